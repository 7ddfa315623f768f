# results/plot/missrate_vs_tlb_size.gp - TLB miss rate against the number
# of entries of one TLB level, one curve per series.
# Data (mmusim report): columns series, entries, miss_rate (long format,
# sorted by series then entries).
load plotdir."/common.gp"
if (xlabel eq "") set xlabel "TLB entries"
if (ylabel eq "") set ylabel "miss rate (% of lookups)"
set logscale x 2
set yrange [0:*]
set grid xtics ytics
plot for [s in series] datafile \
	using (strcol("series") eq s ? column("entries") : NaN):(column("miss_rate")) \
	with linespoints pointsize 1.2 linewidth 2 title s

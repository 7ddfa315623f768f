# results/plot/walk_latency_cdf.gp - cumulative distribution of the cycles
# one walk takes, one step curve per series.
# Data (mmusim report): columns series, cycles, cdf (fraction of walks that
# took at most that many cycles), sorted by series then cycles.
load plotdir."/common.gp"
if (xlabel eq "") set xlabel "walk latency (cycles, log scale)"
if (ylabel eq "") set ylabel "fraction of walks (cumulative)"
set logscale x 10
set yrange [0:1.02]
set key right bottom inside
set grid xtics ytics
plot for [s in series] datafile \
	using (strcol("series") eq s ? column("cycles") : NaN):(column("cdf")) \
	with steps linewidth 2 title s

# results/plot/flush_policy.gp - translation cycles per access by cause,
# stacked, one bar per configuration (and workload).  The causes are the
# columns named in series: whatever cycle counters the results have
# (tlb_cycles, walk_cycles, and any per-cause counters), so a new counter
# appears without a change here.
# Data (mmusim report): label, then one column per cause.
load plotdir."/common.gp"
if (xlabel eq "") set xlabel "configuration"
if (ylabel eq "") set ylabel "translation cycles per access (cycles)"
set style data histogram
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set yrange [0:*]
set xtics rotate by -25 left
plot for [s in series] datafile using (column(s)):xtic(strcol(xcol)) title s

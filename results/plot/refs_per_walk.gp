# results/plot/refs_per_walk.gp - how many memory references a walk makes,
# split by stage: for each reference count, the percentage of walks that
# made that many (one bar per histogram named in series).
# Data (mmusim report): refs, then one column per walk-reference histogram.
load plotdir."/common.gp"
if (xlabel eq "") set xlabel "memory references per walk"
if (ylabel eq "") set ylabel "walks (%)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set yrange [0:*]
plot for [s in series] datafile using (column(s)):xtic(strcol(xcol)) title s

# results/plot/bars.inc.gp - clustered bars: one group per row (its label
# in column xcol), one bar per column named in series.  Loaded by the chart
# scripts after common.gp.
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set xtics rotate by -20 left
set bmargin 8
plot for [s in series] datafile using (column(s)):xtic(strcol(xcol)) title s

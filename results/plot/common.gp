# results/plot/common.gp - shared set-up of every mmusim chart script.
#
# Each chart script loads this first.  Variables (give them with
# gnuplot -e "name='value'"; `mmusim report` does, and writes the exact
# commands to DIR/plot.sh):
#   datafile  tab-separated data whose first line names the columns
#   outfile   the image to write
#   fmt       svg or png (pngcairo when this gnuplot has it, else png)
#   title, xlabel, ylabel   the chart's texts
#   series    space-separated names of the columns (or series) to plot
#   xcol      name of the column holding the x values or categories
# Columns are always read by name, never by position.

if (!exists("datafile")) datafile = "data.tsv"
if (!exists("fmt")) fmt = "svg"
if (!exists("outfile")) outfile = "chart.".fmt
if (!exists("title")) title = ""
if (!exists("xlabel")) xlabel = ""
if (!exists("ylabel")) ylabel = ""
if (!exists("series")) series = ""
if (!exists("xcol")) xcol = "x"

if (fmt eq "svg") {
	set terminal svg size 900,540 dynamic font "sans,12" background "white"
} else {
	if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
		set terminal pngcairo size 900,540 font "sans,10" background "white"
	} else {
		set terminal png size 900,540
	}
}
set output outfile
set termoption noenhanced
set datafile separator "\t"
set datafile columnheaders
set datafile missing "NaN"
set title title
set xlabel xlabel
set ylabel ylabel
set grid ytics
set key outside right top
set border 3
set xtics nomirror
set ytics nomirror

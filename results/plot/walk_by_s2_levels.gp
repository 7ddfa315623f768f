# results/plot/walk_by_s2_levels.gp - walk cycles per TLB miss, one group
# of bars per workload, one bar per number of stage-2 translation levels.
# Data (mmusim report): workload, then one column per stage-2 level count.
load plotdir."/common.gp"
if (xlabel eq "") set xlabel "workload"
if (ylabel eq "") set ylabel "walk cycles per TLB miss (cycles)"
load plotdir."/bars.inc.gp"

# results/plot/overhead_by_config.gp - translation overhead of each
# configuration, one bar per workload.
# Data (mmusim report): config_name, then one column per workload.
load plotdir."/common.gp"
if (xlabel eq "") set xlabel "configuration"
if (ylabel eq "") set ylabel "translation overhead (% of base cycles)"
load plotdir."/bars.inc.gp"

# results/plot/column_by_config.gp - any result column (mmusim report
# --plot COLUMN) by configuration, one bar per workload.
# Data (mmusim report): config_name, then one column per workload.
load plotdir."/common.gp"
if (xlabel eq "") set xlabel "configuration"
load plotdir."/bars.inc.gp"

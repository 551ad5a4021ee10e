"""The nonlinear family: line searches, quasi-Newton and truncated-Newton methods, trust
regions, SLSQP. Private: reached through ``minimize``."""

"""The .opt grammar, shipped inside the wheel as symopt.grammar (data only)."""

-- How several sanctions cutting one month combine (MAX, or SUM_CAPPED at cap_pct).
{{ dated_rule('rule_cut_combination', key=['component']) }}

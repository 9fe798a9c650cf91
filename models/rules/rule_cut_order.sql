-- The order in which the cuts are taken from the gross (each at most what the earlier ones left).
{{ dated_rule('rule_cut_order', key=['component']) }}

-- Distribution-curve bounds per unit predikat (soft audit, never a block).
{{ dated_rule('rule_distribution_curve', key=['unit_predikat_code', 'predikat_codes', 'bound']) }}

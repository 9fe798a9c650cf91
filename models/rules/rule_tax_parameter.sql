-- Biaya jabatan, PKP rounding, the month of the annual recomputation, whether the employer's BPJS part enters the tax gross.
{{ dated_rule('rule_tax_parameter', key=['parameter']) }}

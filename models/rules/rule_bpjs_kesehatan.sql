-- BPJS Kesehatan rates of the employee (withheld) and of the employer (the pemda's cost) and the cap on the combined base.
{{ dated_rule('rule_bpjs_kesehatan', key=['party']) }}

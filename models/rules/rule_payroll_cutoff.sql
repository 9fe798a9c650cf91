-- Payroll calendar - the instant after which records no longer count for the month.
{{ dated_rule('rule_payroll_cutoff', key=['period']) }}

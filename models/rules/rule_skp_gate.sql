-- Annual SKP deadline per SKP year, who is required, and the month(s) whose TPP is deferred.
{{ dated_rule('rule_skp_gate', key=['skp_year', 'deferred_period']) }}

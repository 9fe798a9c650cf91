-- What a missing evaluation or a missing attendance row costs (working assumptions).
{{ dated_rule('rule_missing_input', key=['condition']) }}

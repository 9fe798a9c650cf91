-- IPASN dimension weights.
{{ dated_rule('rule_ipasn_weight', key=['dimension']) }}

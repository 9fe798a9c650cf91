-- IPASN kinerja-dimension points per annual predikat (assumed; the rules give only the weight).
{{ dated_rule('rule_ipasn_points', key=['predikat_code']) }}

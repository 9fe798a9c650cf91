-- Percent of the productivity share paid per predikat (Perwali Bontang 20/2023, from January 2025).
{{ dated_rule('rule_productivity_pct', key=['predikat_code']) }}

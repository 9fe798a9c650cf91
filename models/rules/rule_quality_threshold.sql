-- Thresholds of the quality checks (inconsistent predikat share, OPD month-on-month move; the critical plausibility of a month - roster rows, head count change, attendance against roster, evaluation coverage).
{{ dated_rule('rule_quality_threshold', key=['threshold']) }}

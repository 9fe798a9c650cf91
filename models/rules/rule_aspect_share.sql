-- Shares of the basis for productivity and discipline.
{{ dated_rule('rule_aspect_share', key=['aspect']) }}

-- Published aggregates to reconcile against the data (11 March 2025 e-Kinerja pull).
{{ dated_rule('rule_published_figures', key=['figure']) }}

-- Bontang's cut for working-hour violations reported by BKPSDM (15% from November 2025, SE 1128/2025).
{{ dated_rule('rule_working_hour_cut', key=['violation']) }}

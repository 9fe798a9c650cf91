-- Which day's position decides a month's roster row when the position changes mid-month (tmt_jabatan).
{{ dated_rule('rule_mid_month_position', key=['method']) }}

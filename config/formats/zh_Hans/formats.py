"""Simplified Chinese: 2026年12月1日, 2026年12月1日 14:05. See config/formats/__init__.py."""

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"  # Django's own is "m月j日": 09月5日 beside 2026年9月5日
FIRST_DAY_OF_WEEK = 1  # Monday

# The first is what a form writes into a date field: an <input type="date"> takes only YYYY-MM-DD
# (Django's zh_Hans puts 2026/12/01 first, which the browser shows as an empty field).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
]

"""How dates and times are written in each language (settings.FORMAT_MODULE_PATH).

One date format per language, everywhere: in a sentence, in a table cell, in the admin. zh-Hans writes
2026年12月1日, English 1 Dec 2026 (day, abbreviated month, year: as short as ISO 8601 in a table, and no
reader can take it for month-day or day-month). Anything Django reads from here that a module leaves
out comes from Django's own locale; forms that take a typed date accept YYYY-MM-DD in both.
"""

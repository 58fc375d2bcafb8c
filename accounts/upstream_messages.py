"""Messages of Django or allauth that their zh_Hans catalogues do not translate yet.

Django 5.2 reworded the minimum-length password message and its Chinese catalogue still has only the old
wording, so a Chinese reader would see English. Naming the msgid here keeps it in our catalogue, which
takes precedence (LOCALE_PATHS). tests/platform/test_translations.py finds any new such gap.
"""

from django.utils.translation import gettext_lazy, ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
)

# allauth's Chinese reads "错误代码" ("error code"), which sounds like a system fault; we say the code the
# person typed is wrong.
INCORRECT_CODE = gettext_lazy("Incorrect code.")

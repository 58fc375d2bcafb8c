"""Courses of short lessons, their quizzes, each borrower's progress and reviews, and the editorial record.

A lesson exists once per language: the rows of one course that share a `key` are the same lesson in
Chinese and in English. Its Markdown is rendered to sanitised HTML once, when an editor saves it
(education.services.lesson_save), so a page never renders Markdown. Borrowers see a lesson only while
`status` is published and `publish_at` has passed (education.selectors), which a scheduled publication
needs no job for.
"""

import re

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.i18n import in_language

# A lesson is a few minutes' reading; this is about 50 printed pages. Anything longer is a mistake or an
# attack, and is refused before the Markdown renderer ever sees it.
BODY_MAX_CHARS = 100_000
# A quiz question a borrower can answer: at least two answers to choose from, exactly one of them right.
# Without choices (or without a right one) nobody can pass the quiz, and the course can never be finished.
MIN_CHOICES = 2
RIGHT_CHOICES = 1


class Situation(models.TextChoices):
    """The borrower's situations a lesson can serve and a recommendation rule can match."""

    NEW_BORROWER = "new_borrower", _("New borrower")
    DUE_SOON = "due_soon", _("A payment is due within 3 days")
    FIRST_MISSED_PAYMENT = "first_missed_payment", _("Just missed a payment")
    OVERDUE_30_PLUS = "overdue_30_plus", _("30 or more days overdue")
    HARDSHIP = "hardship", _("Asking for a hardship plan")
    PAID_OFF = "paid_off", _("Paid a loan off")


class Course(models.Model):
    key = models.SlugField(_("key"), max_length=64, unique=True, help_text=_("Used in the address."))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title_zh_hans = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    summary_zh_hans = models.CharField(_("summary (Chinese)"), max_length=300, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_zh_hans, self.title_en)

    @property
    def summary(self) -> str:
        return in_language(self.summary_zh_hans, self.summary_en)


class Lesson(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="lessons"
    )
    key = models.SlugField(
        _("key"),
        max_length=64,
        help_text=_("Used in the address. The Chinese and English versions of a lesson share it."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    order = models.PositiveSmallIntegerField(_("order in the course"), default=1)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300)
    minutes = models.PositiveSmallIntegerField(
        _("minutes to read"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    body_markdown = models.TextField(
        _("body (Markdown)"),
        max_length=BODY_MAX_CHARS,
        validators=[MaxLengthValidator(BODY_MAX_CHARS)],
        help_text=_(
            "Markdown: headings, lists, bold, links, tables. Scripts and embedded frames are removed."
        ),
    )
    body_html = models.TextField(_("body (sanitised HTML)"), editable=False, default="")
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("quiz pass mark (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Empty: the site's default."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    publish_at = models.DateTimeField(_("published from"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    published_version = models.PositiveIntegerField(
        _("version last approved"), null=True, blank=True, editable=False
    )
    worked_examples = models.JSONField(
        _("worked examples"),
        default=list,
        blank=True,
        help_text=_(
            "Each example's inputs and the figures the text quotes (education.examples): every figure is "
            "recomputed before the lesson can be submitted or published."
        ),
    )
    promises = models.JSONField(
        _("what the lesson promises about Anxin"),
        default=list,
        blank=True,
        help_text=_("The features the text relies on; each must be working before the lesson is published."),
    )
    submission_comment = models.TextField(_("editor's note for the reviewer"), blank=True, editable=False)
    review_comment = models.TextField(_("reviewer's comment"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course__order", "order", "key", "language"]
        permissions = [("publish_lesson", _("Can approve, schedule and unpublish lessons"))]
        constraints = [
            models.UniqueConstraint(fields=["course", "key", "language"], name="lesson_unique_key_language"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="lesson_published_has_publish_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "publish_at"])]

    def __str__(self) -> str:
        return gettext("%(title)s (%(language)s)") % {
            "title": self.title,
            "language": self.get_language_display(),
        }


class LessonTag(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="tags")
    situation = models.CharField(_("situation"), max_length=24, choices=Situation.choices)

    class Meta:
        verbose_name = _("situation tag")
        verbose_name_plural = _("situation tags")
        constraints = [models.UniqueConstraint(fields=["lesson", "situation"], name="lessontag_unique")]

    def __str__(self) -> str:
        return str(self.get_situation_display())


# A source's address may be a link only to the web: nothing a browser would run (javascript:, data:).
SOURCE_URL = re.compile(r"https?://[^\s<>\"']+", re.ASCII)
ISSUED_FORMAT = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"


class LessonSource(models.Model):
    """Where a legal or regulatory statement in a lesson comes from: the document, who issued it and when.
    Borrowers can open the list under the lesson ("Sources")."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sources")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("document"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=120)
    issued = models.CharField(
        _("issued"),
        max_length=10,
        validators=[RegexValidator(ISSUED_FORMAT, _("Write the date as YYYY, YYYY-MM or YYYY-MM-DD."))],
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD."),
    )
    reference = models.CharField(_("number or article"), max_length=400, blank=True)
    url = models.URLField(_("address"), blank=True, max_length=300)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["lesson", "order", "id"]

    def __str__(self) -> str:
        return self.title


class LessonVersionIsAppendOnlyError(Exception):
    """Someone tried to change or delete a saved version of a lesson."""


class LessonVersionQuerySet(models.QuerySet["LessonVersion"]):
    def update(self, **kwargs: object) -> int:
        raise LessonVersionIsAppendOnlyError("Lesson versions are kept as written; save a new version.")


class LessonVersion(models.Model):
    """Every saved text of a lesson, with who saved it and when. Never changed; restoring adds a version."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300)
    minutes = models.PositiveSmallIntegerField(_("minutes to read"))
    body_markdown = models.TextField(_("body (Markdown)"))
    worked_examples = models.JSONField(_("worked examples"), default=list, blank=True)
    promises = models.JSONField(_("what the lesson promises about Anxin"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    objects = LessonVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson version")
        verbose_name_plural = _("lesson versions")
        ordering = ["lesson", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "number"], name="lessonversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id} v{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise LessonVersionIsAppendOnlyError("Lesson versions are kept as written; save a new version.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Question(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("question"), max_length=300)

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["lesson", "order", "id"]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("answer"), max_length=200)
    is_correct = models.BooleanField(_("correct"), default=False)
    explanation = models.CharField(
        _("explanation"),
        max_length=400,
        help_text=_("Shown after this answer is chosen: why it is right or wrong."),
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return self.text


class LessonProgress(models.Model):
    """One borrower's progress through one language version of a lesson."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(_("best score"), default=0)
    passed_at = models.DateTimeField(_("quiz passed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lessonprogress_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.lesson_id}"


class QuizAttempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attempts")
    correct = models.PositiveSmallIntegerField(_("correct answers"))
    total = models.PositiveSmallIntegerField(_("questions"))
    passed = models.BooleanField(_("passed"))
    answers = models.JSONField(_("answers"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.lesson_id} {self.correct}/{self.total}"


class ReviewItem(models.Model):
    """A question this borrower got wrong, and when to ask it again (1, 3, then 7 days)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_items")
    step = models.PositiveSmallIntegerField(_("step"), default=0)
    due_on = models.DateField(_("due on"))
    retired_at = models.DateTimeField(_("learnt at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="reviewitem_unique")]
        indexes = [models.Index(fields=["user", "retired_at", "due_on"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.question_id} {self.due_on}"


class RecommendationRule(models.Model):
    """When a borrower is in `situation`, recommend `lesson` (in their language) or lessons tagged `tag`."""

    situation = models.CharField(_("situation"), max_length=24, choices=Situation.choices)
    lesson = models.ForeignKey(
        Lesson,
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Either language: the reader gets the version in their own language."),
    )
    tag = models.CharField(_("or every lesson tagged"), max_length=24, choices=Situation.choices, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=100, help_text=_("Lower comes first."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("recommendation rule")
        verbose_name_plural = _("recommendation rules")
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lesson__isnull=False) & Q(tag="")) | (Q(lesson__isnull=True) & ~Q(tag="")),
                name="recommendationrule_lesson_xor_tag",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_situation_display()} → {self.lesson or self.get_tag_display()}"

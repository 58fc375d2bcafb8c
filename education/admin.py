"""The editors' backend: courses, lessons with their quizzes and tags, the workflow, versions and rules.

Lesson text is saved through education.services.lesson_save (rendered once, versioned, audited) and
moves through the workflow only by education.services.lesson_transition, which enforces the transition
table and four eyes whatever this admin shows. A lesson's text and quiz can be changed only in draft.
"""

import difflib
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from core.admin import AuditedModelAdmin, admin_page
from core.audit_denied import authz_denied_record
from core.exceptions import ApplicationError
from education import selectors, services
from education.forms import LessonAdminForm, TransitionForm
from education.models import (
    Choice,
    Course,
    Lesson,
    LessonSource,
    LessonTag,
    LessonVersion,
    Question,
    RecommendationRule,
)

CONTENT_FIELDS = ("title", "summary", "minutes", "body_markdown", "worked_examples", "promises")
# Workflow refusals that are an authorisation matter (no right, four eyes, someone else's submission).
REFUSALS_AUDITED = frozenset({"forbidden", "own_draft", "not_author"})


def _draft(lesson: Lesson | None) -> bool:
    return lesson is None or lesson.status == Lesson.Status.DRAFT


def _editor(request: HttpRequest) -> User:
    """The staff member at work (the admin lets nobody else in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@admin.register(Course)
class CourseAdmin(AuditedModelAdmin[Course]):
    list_display = ("key", "title_zh_hans", "title_en", "order")
    list_editable = ("order",)
    search_fields = ("key", "title_zh_hans", "title_en")


class LessonTagInline(admin.StackedInline[LessonTag, Lesson]):
    """Stacked rather than tabular: each situation select and its delete box get their own label."""

    model = LessonTag
    extra = 1


class LessonSourceInline(admin.StackedInline[LessonSource, Lesson]):
    model = LessonSource
    extra = 0
    fields = ("order", "title", "issuer", "issued", "reference", "url")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _draft(obj) and super().has_delete_permission(request, obj)


class QuestionInline(admin.TabularInline[Question, Lesson]):
    """A lesson's questions; only while the lesson is a draft (`obj` is the lesson here, not a question)."""

    model = Question
    fields = ("order", "text")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _draft(obj) and super().has_delete_permission(request, obj)


# The editors' pages: underlined breadcrumbs (the admin's pale link colour alone does not mark a link).
EDITOR_MEDIA = forms.Media(css={"all": ("css/education.css",)})


@admin.register(Lesson)
class LessonAdmin(AuditedModelAdmin[Lesson]):
    form = LessonAdminForm
    list_display = ("title", "course", "language", "key", "status", "publish_at", "updated_at")
    list_filter = ("status", "language", "course", "tags__situation")
    list_select_related = ("course",)
    search_fields = ("title", "key", "summary")
    inlines = (LessonTagInline, LessonSourceInline, QuestionInline)
    readonly_fields = ("status", "publish_at", "submission_comment", "review_comment", "editorial")
    fieldsets = (
        (None, {"fields": ("editorial", "status", "publish_at", "submission_comment", "review_comment")}),
        (
            gettext_lazy("Where it goes"),
            {"fields": ("course", "key", "language", "order", "pass_mark_percent")},
        ),
        (gettext_lazy("Text"), {"fields": CONTENT_FIELDS}),
    )

    @property
    def media(self) -> forms.Media:
        return super().media + EDITOR_MEDIA

    def get_readonly_fields(self, request: HttpRequest, obj: Lesson | None = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The address and language are the lesson's identity once it exists.
            fields += ("course", "key", "language")
            if obj.status != Lesson.Status.DRAFT:
                fields += CONTENT_FIELDS
        return fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lesson]:
        return super().get_queryset(request).distinct()

    @admin.display(description=gettext_lazy("Editorial"))
    def editorial(self, obj: Lesson) -> str:
        if obj.pk is None:
            return _("Save the draft first; then preview it, see its versions and submit it for review.")
        links = format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("education:preview", args=[obj.pk]),
            _("Preview as a borrower"),
            reverse("admin:education_lesson_workflow", args=[obj.pk]),
            _("Review and publish"),
            reverse("admin:education_lesson_versions", args=[obj.pk]),
            _("Versions"),
        )
        # The worked examples' figures as the text states them and as loanmath recomputes them, and what
        # else stands between this lesson and a reviewer (shown here, refused at submission).
        figures, content_problems = services.lesson_checks(obj)
        checked = render_to_string(
            "admin/education/lesson/_figures.html", {"figures": figures, "content_problems": content_problems}
        )
        problems = services.quiz_problems(lesson=obj)
        if not problems:
            return format_html("{}{}", links, checked)
        return format_html(
            '{}{}<div class="errornote lesson-quiz-problems"><p>{}</p><ul>{}</ul></div>',
            links,
            checked,
            _(
                "Borrowers could not pass this quiz yet. Open each question (“Change”) and give it at least "
                "two answers, exactly one of them right:"
            ),
            format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)),
        )

    def save_model(self, request: HttpRequest, obj: Lesson, form: Any, change: bool) -> None:
        # lesson_save audits the text (as a version) and, with their before and after, what else the
        # editor changed (the order, the pass mark, even of a published lesson).
        settings_changed = [name for name in form.changed_data if name not in CONTENT_FIELDS]
        fields: dict[str, Any] | list[str] | None = None
        if change and settings_changed:
            changes = self._changes(form)
            fields = (
                {name: changes[name] for name in settings_changed}
                if isinstance(changes, dict)
                else settings_changed
            )
        services.lesson_save(lesson=obj, actor=_editor(request), settings_changed=fields, request=request)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Whoever writes questions here is one of the draft's authors (four eyes).
        changes = _formset_changes(fs for fs in formsets if fs.model is Question)
        if changes:
            services.lesson_quiz_changed(
                lesson=form.instance, actor=_editor(request), changes=changes, request=request
            )

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:lesson_id>/workflow/",
                self.admin_site.admin_view(self.workflow_view),
                name="education_lesson_workflow",
            ),
            path(
                "<int:lesson_id>/versions/",
                self.admin_site.admin_view(self.versions_view),
                name="education_lesson_versions",
            ),
            path(
                "<int:lesson_id>/versions/<int:number>/restore/",
                self.admin_site.admin_view(require_POST(self.restore_view)),
                name="education_lesson_restore",
            ),
        ]
        return own + super().get_urls()

    def _page(self, request: HttpRequest, lesson: Lesson, title: str, **context: Any) -> TemplateResponse:
        return admin_page(
            self, request, context.pop("template"), title=title, original=lesson, lesson=lesson, **context
        )

    def workflow_view(self, request: HttpRequest, lesson_id: int) -> HttpResponse:
        lesson = get_object_or_404(Lesson.objects.select_related("course", "submitted_by"), pk=lesson_id)
        if not self.has_view_or_change_permission(request, lesson):
            raise PermissionDenied
        form = TransitionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                lesson = services.lesson_transition(
                    lesson=lesson,
                    action=request.POST.get("action", ""),
                    actor=_editor(request),
                    comment=form.cleaned_data["comment"],
                    publish_at=form.cleaned_data["publish_at"],
                    request=request,
                )
            except (services.QuizNotPassableError, services.ContentNotReadyError) as error:
                for sentence in (error.summary, *error.problems):
                    form.add_error(None, sentence)
            except ApplicationError as error:
                if error.code in REFUSALS_AUDITED:
                    # The transition rolled back with its audit row; the refusal itself is recorded.
                    authz_denied_record(request, reason=f"lesson.{error.code}", status=200, target=lesson)
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The lesson is now: %(status)s.") % {"status": lesson.get_status_display()},
                )
                return HttpResponseRedirect(reverse("admin:education_lesson_workflow", args=[lesson.pk]))
        return self._page(
            request,
            lesson,
            _("Review and publish: %(title)s") % {"title": lesson.title},
            template="admin/education/lesson/workflow.html",
            form=form,
            transitions=services.transitions_allowed(lesson=lesson, actor=_editor(request)),
            quiz_problems=services.quiz_problems(lesson=lesson),
            **dict(zip(("figures", "content_problems"), services.lesson_checks(lesson), strict=True)),
            history=selectors.lesson_history(lesson=lesson),
        )

    def versions_view(self, request: HttpRequest, lesson_id: int) -> HttpResponse:
        lesson = get_object_or_404(Lesson, pk=lesson_id)
        if not self.has_view_or_change_permission(request, lesson):
            raise PermissionDenied
        versions = list(LessonVersion.objects.filter(lesson=lesson).select_related("created_by"))
        by_number = {v.number: v for v in versions}
        diff = ""
        older = newer = None
        if "a" in request.GET and "b" in request.GET:
            try:
                older, newer = by_number[int(request.GET["a"])], by_number[int(request.GET["b"])]
            except (KeyError, ValueError) as error:
                raise Http404 from error
            diff = version_diff(older, newer)
        return self._page(
            request,
            lesson,
            _("Versions: %(title)s") % {"title": lesson.title},
            template="admin/education/lesson/versions.html",
            versions=versions,
            diff=diff,
            older=older,
            newer=newer,
            can_restore=self.has_change_permission(request, lesson) and lesson.status == Lesson.Status.DRAFT,
        )

    def restore_view(self, request: HttpRequest, lesson_id: int, number: int) -> HttpResponse:
        lesson = get_object_or_404(Lesson, pk=lesson_id)
        if not self.has_change_permission(request, lesson):
            raise PermissionDenied
        try:
            version = services.lesson_version_restore(
                lesson=lesson, number=number, actor=_editor(request), request=request
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Version %(old)s restored as version %(new)s.") % {"old": number, "new": version.number},
            )
        return HttpResponseRedirect(reverse("admin:education_lesson_versions", args=[lesson.pk]))


def _formset_changes(formsets: Any) -> list[str]:
    """What the saved inline formsets added, changed and deleted: `<model>.<verb>`, one per object."""
    changes: list[str] = []
    for formset in formsets:
        name = formset.model._meta.model_name
        changes += [f"{name}.added"] * len(formset.new_objects)
        changes += [f"{name}.changed"] * len(formset.changed_objects)
        changes += [f"{name}.deleted"] * len(formset.deleted_objects)
    return changes


DIFF_JSON_MAX_CHARS = 8_000


def version_diff(older: LessonVersion, newer: LessonVersion) -> str:
    """A side-by-side table of what changed. difflib escapes the text it puts in the table (&, <, >)."""

    def lines(version: LessonVersion) -> list[str]:
        checked = json.dumps(
            {"examples": version.worked_examples, "promises": version.promises}, ensure_ascii=False, indent=1
        )
        if len(checked) > DIFF_JSON_MAX_CHARS:
            # difflib's table grows faster than its input; a long list of examples is summarised.
            checked = _(
                "(worked examples and promises: %(count)s characters, too long to compare line by line)"
            ) % {"count": len(checked)}
        return [
            version.title,
            version.summary,
            str(version.minutes),
            "",
            *version.body_markdown.splitlines(),
            "",
            *checked.splitlines(),
        ]

    table = difflib.HtmlDiff(wrapcolumn=60).make_table(
        lines(older), lines(newer), f"v{older.number}", f"v{newer.number}", context=True, numlines=3
    )
    return mark_safe(table)  # noqa: S308 -- difflib.HtmlDiff escapes every line it shows


class ChoiceInline(admin.TabularInline[Choice, Question]):
    model = Choice
    fields = ("order", "text", "is_correct", "explanation")
    extra = 0


@admin.register(Question)
class QuestionAdmin(AuditedModelAdmin[Question]):
    list_display = ("text", "lesson", "order")
    list_filter = ("lesson__course", "lesson__language")
    list_select_related = ("lesson",)
    search_fields = ("text",)
    autocomplete_fields = ("lesson",)
    inlines = (ChoiceInline,)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Questions change only with a draft lesson: a live quiz goes through the editorial workflow too.
        if db_field.name == "lesson":
            kwargs["queryset"] = Lesson.objects.filter(status=Lesson.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Question, form: Any, change: bool) -> None:
        if not _draft(obj.lesson):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Whoever writes a question or its answers is one of the lesson's authors (four eyes).
        question = form.instance
        changes = (
            [] if change and not form.has_changed() else ["question.changed" if change else "question.added"]
        )
        changes += _formset_changes(formsets)
        if not changes:
            return
        services.lesson_quiz_changed(
            lesson=question.lesson, actor=_editor(request), changes=changes, request=request
        )
        moved_from = form.initial.get("lesson") if change else None
        if moved_from is not None and moved_from != question.lesson_id:
            services.lesson_quiz_changed(
                lesson=Lesson.objects.get(pk=moved_from),
                actor=_editor(request),
                changes=["question.deleted"],
                request=request,
            )

    def delete_model(self, request: HttpRequest, obj: Question) -> None:
        services.lesson_quiz_changed(
            lesson=obj.lesson, actor=_editor(request), changes=["question.deleted"], request=request
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        # Bulk deletion ("delete selected") is checked here, question by question: only drafts change.
        lessons = Lesson.objects.filter(questions__in=queryset).distinct()
        if any(not _draft(lesson) for lesson in lessons):
            raise PermissionDenied
        services.questions_delete(
            lessons=lessons,
            actor=_editor(request),
            delete=lambda: super(QuestionAdmin, self).delete_queryset(request, queryset),
            request=request,
        )

    def has_change_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return (obj is None or _draft(obj.lesson)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return (obj is None or _draft(obj.lesson)) and super().has_delete_permission(request, obj)


@admin.register(RecommendationRule)
class RecommendationRuleAdmin(AuditedModelAdmin[RecommendationRule]):
    list_display = ("situation", "lesson", "tag", "priority", "active")
    list_editable = ("priority", "active")
    list_filter = ("situation", "active")
    autocomplete_fields = ("lesson",)

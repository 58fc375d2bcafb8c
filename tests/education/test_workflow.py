"""The editorial workflow: drafts, four-eyes review, scheduled publication evaluated at query time,
unpublishing, versions with diff and restore, the audit trail, and the staff preview."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils.translation import override

from accounts.models import User
from core.exceptions import ApplicationError
from core.models import AuditEvent
from education import services
from education.admin import version_diff
from education.models import Choice, Course, Lesson, LessonVersion, LessonVersionIsAppendOnlyError, Question
from tests.conftest import make_user
from tests.education.conftest import Clock, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(editor: User, clock: Clock) -> Lesson:
    course = Course.objects.create(key="news", title_zh_hans="新课程", title_en="News")
    return services.lesson_save(
        lesson=Lesson(
            course=course,
            key="fresh",
            language="zh-hans",
            title="New lesson",
            summary="What is new",
            body_markdown="First text.",
        ),
        actor=editor,
    )


def test_a_draft_is_invisible_to_borrowers(client: Client, draft: Lesson, borrower: User) -> None:
    client.force_login(borrower)
    assert client.get("/learn/news/fresh/").status_code == 404
    assert client.get("/learn/news/").status_code == 404
    assert "New lesson" not in client.get("/learn/").content.decode()


def test_a_scheduled_lesson_appears_only_when_its_time_comes(
    client: Client, draft: Lesson, editor: User, other_editor: User, clock: Clock
) -> None:
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    services.lesson_transition(
        lesson=draft, action="approve", actor=other_editor, publish_at=clock.now + timedelta(hours=2)
    )
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.PUBLISHED
    assert client.get("/learn/news/fresh/").status_code == 404

    clock.advance(hours=1, minutes=59)
    assert client.get("/learn/news/fresh/").status_code == 404
    clock.advance(minutes=1)
    assert client.get("/learn/news/fresh/").status_code == 200
    assert "New lesson" in client.get("/learn/").content.decode()


def test_nobody_approves_their_own_draft_even_with_the_publish_right(
    draft: Lesson, editor: User, other_editor: User
) -> None:
    assert editor.has_perm("education.publish_lesson")
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    with pytest.raises(ApplicationError) as refused:
        services.lesson_transition(lesson=draft, action="approve", actor=editor)
    assert refused.value.code == "own_draft"
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.IN_REVIEW
    assert "approve" not in [t.action for t in services.transitions_allowed(lesson=draft, actor=editor)]
    assert "approve" in [t.action for t in services.transitions_allowed(lesson=draft, actor=other_editor)]


def test_an_editor_who_wrote_part_of_the_draft_cannot_approve_it_either(
    draft: Lesson, editor: User, other_editor: User
) -> None:
    draft.body_markdown = "Second text, by the other editor."
    services.lesson_save(lesson=draft, actor=other_editor)
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    with pytest.raises(ApplicationError) as refused:
        services.lesson_transition(lesson=draft, action="approve", actor=other_editor)
    assert refused.value.code == "own_draft"


def test_staff_without_the_publish_right_cannot_approve(draft: Lesson, editor: User) -> None:
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    support = make_user("support@example.com", is_staff=True)
    with pytest.raises(ApplicationError) as refused:
        services.lesson_transition(lesson=draft, action="approve", actor=support)
    assert refused.value.code == "forbidden"


def test_the_transition_table_refuses_moves_it_does_not_list(draft: Lesson, other_editor: User) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.lesson_transition(lesson=draft, action="approve", actor=other_editor)
    assert refused.value.code == "bad_transition"
    with pytest.raises(ApplicationError):
        services.lesson_transition(lesson=draft, action="publish-everything", actor=other_editor)
    assert not AuditEvent.objects.filter(action__startswith="lesson.approve").exists()


def test_sending_back_needs_a_comment_and_returns_the_lesson_to_draft(
    draft: Lesson, editor: User, other_editor: User
) -> None:
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    with pytest.raises(ApplicationError) as refused:
        services.lesson_transition(lesson=draft, action="send_back", actor=other_editor, comment="  ")
    assert refused.value.code == "comment_required"
    services.lesson_transition(lesson=draft, action="send_back", actor=other_editor, comment="Explain APR.")
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.DRAFT
    assert draft.review_comment == "Explain APR."


def test_every_transition_writes_an_audit_row(
    client: Client, draft: Lesson, editor: User, other_editor: User, clock: Clock
) -> None:
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    services.lesson_transition(lesson=draft, action="approve", actor=other_editor)
    assert client.get("/learn/news/fresh/").status_code == 200
    services.lesson_transition(lesson=draft, action="unpublish", actor=other_editor, comment="Outdated")
    assert client.get("/learn/news/fresh/").status_code == 404
    rows = list(
        AuditEvent.objects.filter(
            object_id=str(draft.pk), action__in=["lesson.submit", "lesson.approve", "lesson.unpublish"]
        ).order_by("id")
    )
    assert [(r.action, r.actor_id, r.data["from"], r.data["to"]) for r in rows] == [
        ("lesson.submit", editor.pk, "draft", "in_review"),
        ("lesson.approve", other_editor.pk, "in_review", "published"),
        ("lesson.unpublish", other_editor.pk, "published", "unpublished"),
    ]
    assert rows[2].reason == "Outdated"


def test_text_in_review_cannot_change_under_the_reviewer(draft: Lesson, editor: User) -> None:
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    draft.refresh_from_db()
    draft.body_markdown = "Sneaky change"
    with pytest.raises(ApplicationError) as refused:
        services.lesson_save(lesson=draft, actor=editor)
    assert refused.value.code == "not_draft"


def test_every_save_keeps_a_version_with_who_and_when_and_versions_are_never_changed(
    draft: Lesson, editor: User, other_editor: User
) -> None:
    draft.body_markdown = "Second text."
    services.lesson_save(lesson=draft, actor=other_editor)
    services.lesson_save(lesson=draft, actor=other_editor)  # nothing changed: no new version
    versions = list(LessonVersion.objects.filter(lesson=draft).order_by("number"))
    assert [(v.number, v.created_by_id, v.body_markdown) for v in versions] == [
        (1, editor.pk, "First text."),
        (2, other_editor.pk, "Second text."),
    ]
    with pytest.raises(LessonVersionIsAppendOnlyError):
        versions[0].save()
    with pytest.raises(LessonVersionIsAppendOnlyError):
        LessonVersion.objects.filter(lesson=draft).update(title="rewritten")


def test_restoring_an_old_version_adds_a_new_one_with_the_old_text(draft: Lesson, editor: User) -> None:
    draft.body_markdown = "Second text."
    services.lesson_save(lesson=draft, actor=editor)
    version = services.lesson_version_restore(lesson=draft, number=1, actor=editor)
    draft.refresh_from_db()
    assert version.number == 3
    assert draft.body_markdown == "First text."
    assert draft.body_html == "<p>First text.</p>"
    assert LessonVersion.objects.filter(lesson=draft).count() == 3
    assert AuditEvent.objects.filter(action="lesson.restored", object_id=str(draft.pk)).exists()


def test_the_diff_between_versions_escapes_the_text(draft: Lesson, editor: User) -> None:
    draft.body_markdown = "<script>alert('x')</script> new line"
    services.lesson_save(lesson=draft, actor=editor)
    older, newer = LessonVersion.objects.filter(lesson=draft).order_by("number")
    table = version_diff(older, newer)
    assert "<script>" not in table
    assert "&lt;script&gt;" in table
    assert 'class="diff_' in table


def test_the_preview_shows_a_draft_to_staff_with_the_borrowers_template_and_to_nobody_else(
    client: Client, draft: Lesson, editor: User, borrower: User
) -> None:
    client.force_login(editor)
    response = client.get(f"/learn/preview/{draft.pk}/")
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "education/lesson.html"
    assert "First text." in response.content.decode()
    client.force_login(borrower)
    assert client.get(f"/learn/preview/{draft.pk}/").status_code == 404


def test_the_admin_workflow_page_refuses_approving_ones_own_draft(
    client: Client, draft: Lesson, editor: User, other_editor: User
) -> None:
    client.force_login(editor)
    client.post(f"/admin/education/lesson/{draft.pk}/workflow/", {"action": "submit"})
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.IN_REVIEW
    response = client.post(f"/admin/education/lesson/{draft.pk}/workflow/", {"action": "approve"})
    assert response.status_code == 200
    assert 'class="errorlist nonfield"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.IN_REVIEW

    client.force_login(other_editor)
    client.post(
        f"/admin/education/lesson/{draft.pk}/workflow/",
        {"action": "approve", "publish_at": "2026-03-05T08:00"},
    )
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.PUBLISHED
    assert draft.publish_at is not None
    assert draft.publish_at.isoformat().startswith("2026-03-05T00:00")


def test_the_admin_saves_a_draft_through_the_service_and_filters_lessons(
    client: Client, editor: User, clock: Clock
) -> None:
    course = Course.objects.create(key="news", title_zh_hans="新课程", title_en="News")
    Course.objects.create(key="olds", title_zh_hans="旧课程", title_en="Olds")
    client.force_login(editor)
    response = client.post(
        "/admin/education/lesson/add/",
        {
            "course": course.pk,
            "key": "made-in-admin",
            "language": "en",
            "order": 1,
            "title": "Made in the admin",
            "summary": "s",
            "minutes": 3,
            "body_markdown": "Hi <iframe src='https://evil.example'></iframe>",
            "tags-TOTAL_FORMS": 0,
            "tags-INITIAL_FORMS": 0,
            "sources-TOTAL_FORMS": 0,
            "sources-INITIAL_FORMS": 0,
            "questions-TOTAL_FORMS": 0,
            "questions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson = Lesson.objects.get(key="made-in-admin")
    assert lesson.body_html == "<p>Hi </p>"
    assert lesson.versions.get().created_by == editor
    listing = client.get("/admin/education/lesson/?status__exact=draft&language__exact=en")
    assert "Made in the admin" in listing.content.decode()
    for filter_name in ("status", "language", "course__id__exact", "tags__situation"):
        assert filter_name in listing.content.decode()


# --- a lesson nobody could complete never reaches borrowers (issue 8, defect 7) ------------------


def add_question(lesson: Lesson, text: str, choices: list[bool]) -> Question:
    """A question with one answer per entry of `choices` (True: the right one)."""
    question = Question.objects.create(lesson=lesson, order=lesson.questions.count() + 1, text=text)
    for n, correct in enumerate(choices, start=1):
        Choice.objects.create(
            question=question, order=n, text=f"{text} {n}", is_correct=correct, explanation="…"
        )
    return question


@pytest.mark.parametrize(
    ("choices", "says"),
    [
        ([], "has 0 answers to choose from"),
        ([True], "has 1 answer to choose from"),
        ([False, False], "has no right answer"),
        ([True, True, False], "has 2 right answers"),
    ],
)
def test_a_lesson_whose_quiz_cannot_be_passed_cannot_be_submitted(
    draft: Lesson, editor: User, choices: list[bool], says: str
) -> None:
    add_question(draft, "Fine question", [True, False])
    add_question(draft, "Broken question", choices)
    with override("en"), pytest.raises(services.QuizNotPassableError) as refused:
        services.lesson_transition(lesson=draft, action="submit", actor=editor, comment="请审核。")
    assert refused.value.code == "quiz_not_passable"
    assert refused.value.problems == (refused.value.problems[0],)
    assert "Question 2 (“Broken question”)" in refused.value.message
    assert says in refused.value.message
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.DRAFT
    assert not AuditEvent.objects.filter(action="lesson.submit").exists()


def test_a_lesson_with_an_answerable_quiz_or_none_at_all_can_be_submitted(
    draft: Lesson, editor: User
) -> None:
    assert services.quiz_problems(lesson=draft) == []  # no quiz: complete once read
    add_question(draft, "Fine question", [False, True])
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.IN_REVIEW


def test_approving_checks_the_quiz_again(draft: Lesson, editor: User, other_editor: User) -> None:
    question = add_question(draft, "Fine question", [True, False])
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    question.choices.filter(is_correct=False).delete()  # however it happened, only one answer is left
    with pytest.raises(services.QuizNotPassableError):
        services.lesson_transition(lesson=draft, action="approve", actor=other_editor)
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.IN_REVIEW


def test_a_published_lesson_whose_quiz_cannot_be_passed_is_never_shown_to_borrowers(
    client: Client, draft: Lesson, editor: User, other_editor: User, borrower: User, clock: Clock
) -> None:
    question = add_question(draft, "Fine question", [True, False])
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    services.lesson_transition(
        lesson=draft, action="approve", actor=other_editor, publish_at=clock.now + timedelta(hours=1)
    )
    # Scheduled; then its quiz loses its answers behind the workflow's back (a database edit, a bug).
    question.choices.all().delete()
    clock.advance(hours=2)
    client.force_login(borrower)
    assert client.get("/learn/news/fresh/").status_code == 404
    assert client.get("/learn/news/").status_code == 404
    assert "New lesson" not in client.get("/learn/").content.decode()
    other = Lesson.objects.get(pk=draft.pk)
    response = client.post("/learn/news/fresh/quiz/", {"lesson": other.pk})
    assert response.status_code == 404

    add_question(draft, "Second question", [True, False])
    Choice.objects.create(question=question, order=1, text="a", is_correct=True, explanation="…")
    Choice.objects.create(question=question, order=2, text="b", is_correct=False, explanation="…")
    assert client.get("/learn/news/fresh/").status_code == 200


def test_the_editors_note_on_submitting_is_kept_and_shown_to_the_reviewer(
    client: Client, draft: Lesson, editor: User, other_editor: User
) -> None:
    client.force_login(editor)
    client.post(f"/admin/education/lesson/{draft.pk}/workflow/", {"action": "submit", "comment": "请审核。"})
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.IN_REVIEW
    assert draft.submission_comment == "请审核。"
    assert AuditEvent.objects.get(action="lesson.submit", object_id=str(draft.pk)).reason == "请审核。"

    client.force_login(other_editor)
    html = client.get(f"/admin/education/lesson/{draft.pk}/workflow/").content.decode()
    assert '<td id="submission-comment">请审核。</td>' in html
    assert html.count("请审核。") == 2  # the note, and the history row of the submission

    services.lesson_transition(lesson=draft, action="send_back", actor=other_editor, comment="Explain APR.")
    draft.refresh_from_db()
    assert (draft.submission_comment, draft.review_comment) == ("", "Explain APR.")


def test_only_the_editor_who_submitted_may_withdraw(
    client: Client, draft: Lesson, editor: User, other_editor: User
) -> None:
    draft = services.lesson_transition(lesson=draft, action="submit", actor=editor)

    def offered(actor: User) -> list[str]:
        return [t.action for t in services.transitions_allowed(lesson=draft, actor=actor)]

    assert "withdraw" not in offered(other_editor)
    assert "withdraw" in offered(editor)
    client.force_login(other_editor)
    page = client.get(f"/admin/education/lesson/{draft.pk}/workflow/").content.decode()
    assert 'value="withdraw"' not in page
    assert 'value="approve"' in page
    with pytest.raises(ApplicationError) as refused:
        services.lesson_transition(lesson=draft, action="withdraw", actor=other_editor)
    assert refused.value.code == "not_author"
    response = client.post(f"/admin/education/lesson/{draft.pk}/workflow/", {"action": "withdraw"})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.IN_REVIEW

    services.lesson_transition(lesson=draft, action="withdraw", actor=editor)
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.DRAFT
    assert AuditEvent.objects.filter(action="lesson.withdraw", actor=editor).exists()


def test_the_workflow_page_lists_what_makes_the_quiz_unpassable_and_refuses_to_submit(
    client: Client, draft: Lesson, editor: User
) -> None:
    add_question(draft, "面对催收，你有哪些权利？", [])
    client.force_login(editor)
    client.cookies["django_language"] = "en"
    page = client.get(f"/admin/education/lesson/{draft.pk}/workflow/").content.decode()
    assert 'id="quiz-problems"' in page
    assert "面对催收，你有哪些权利？" in page
    assert 'id="preview-quiz-problems"' in client.get(f"/learn/preview/{draft.pk}/").content.decode()
    change_form = client.get(f"/admin/education/lesson/{draft.pk}/change/").content.decode()
    assert "Borrowers could not pass this quiz yet." in change_form
    response = client.post(f"/admin/education/lesson/{draft.pk}/workflow/", {"action": "submit"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist nonfield"' in html
    assert "Borrowers could not pass this lesson&#x27;s quiz" in html
    assert "Question 1 (“面对催收，你有哪些权利？”) has 0 answers to choose from" in html
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.DRAFT


# --- four eyes covers the quiz too: whoever wrote questions or answers is an author (issue 8) -------


def offered(lesson: Lesson, actor: User) -> list[str]:
    return [t.action for t in services.transitions_allowed(lesson=lesson, actor=actor)]


def test_an_editor_who_wrote_the_quiz_of_a_draft_cannot_approve_it(
    draft: Lesson, editor: User, other_editor: User
) -> None:
    add_question(draft, "Whose question?", [True, False])
    services.lesson_quiz_changed(lesson=draft, actor=other_editor, changes=["question.added"])
    draft = services.lesson_transition(lesson=draft, action="submit", actor=editor)
    assert "approve" not in offered(draft, other_editor)
    with override("en"), pytest.raises(ApplicationError) as refused:  # the reason, in English
        services.lesson_transition(lesson=draft, action="approve", actor=other_editor)
    assert refused.value.code == "own_draft"
    assert "questions or answers" in refused.value.message
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.IN_REVIEW

    third = make_editor("third@example.com")
    assert "approve" in offered(draft, third)
    services.lesson_transition(lesson=draft, action="approve", actor=third)
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.PUBLISHED


def test_quiz_changes_count_only_in_the_draft_they_were_made_in(
    draft: Lesson, editor: User, other_editor: User
) -> None:
    third = make_editor("third@example.com")
    add_question(draft, "Old question", [True, False])
    services.lesson_quiz_changed(lesson=draft, actor=other_editor, changes=["question.added"])
    services.lesson_transition(lesson=draft, action="submit", actor=editor)
    services.lesson_transition(lesson=draft, action="approve", actor=third)
    # A new draft that other_editor did not touch: their earlier quiz work no longer makes them its author.
    draft = services.lesson_transition(lesson=draft, action="reopen", actor=third)
    draft.body_markdown = "Second text."
    services.lesson_save(lesson=draft, actor=editor)
    draft = services.lesson_transition(lesson=draft, action="submit", actor=editor)
    assert "approve" in offered(draft, other_editor)
    # The quiz changes only in draft.
    with pytest.raises(ApplicationError) as refused:
        services.lesson_quiz_changed(lesson=draft, actor=third, changes=["choice.changed"])
    assert refused.value.code == "not_draft"
    services.lesson_transition(lesson=draft, action="approve", actor=other_editor)
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.PUBLISHED


def _question_form(lesson: Lesson, text: str, right: int, count: int = 2) -> dict[str, object]:
    data: dict[str, object] = {
        "lesson": lesson.pk,
        "order": 1,
        "text": text,
        "choices-TOTAL_FORMS": count,
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for n in range(count):
        data[f"choices-{n}-order"] = n + 1
        data[f"choices-{n}-text"] = f"{text} {n + 1}"
        data[f"choices-{n}-explanation"] = "…"
        if n == right:
            data[f"choices-{n}-is_correct"] = "on"
    return data


def test_through_the_admin_the_reviewer_who_wrote_the_quiz_is_not_offered_approve(
    client: Client, editor: User, other_editor: User, clock: Clock
) -> None:
    """The testers' repro: one editor writes a lesson without a quiz, the chief editor adds its question and
    marks the right answer, the editor submits; the chief editor must not be able to publish it."""
    course = Course.objects.create(key="news", title_zh_hans="新课程", title_en="News")
    client.force_login(editor)
    response = client.post(
        "/admin/education/lesson/add/",
        {
            "course": course.pk,
            "key": "no-quiz-yet",
            "language": "zh-hans",
            "order": 1,
            "title": "No quiz yet",
            "summary": "s",
            "minutes": 3,
            "body_markdown": "Text.",
            "tags-TOTAL_FORMS": 0,
            "tags-INITIAL_FORMS": 0,
            "sources-TOTAL_FORMS": 0,
            "sources-INITIAL_FORMS": 0,
            "questions-TOTAL_FORMS": 0,
            "questions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson = Lesson.objects.get(key="no-quiz-yet")

    client.force_login(other_editor)
    response = client.post("/admin/education/question/add/", _question_form(lesson, "Who pays?", right=0))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert lesson.questions.get().choices.filter(is_correct=True).count() == 1
    assert AuditEvent.objects.filter(
        action="lesson.quiz_changed", object_id=str(lesson.pk), actor=other_editor
    ).exists()

    client.force_login(editor)
    client.post(f"/admin/education/lesson/{lesson.pk}/workflow/", {"action": "submit"})
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.IN_REVIEW

    client.force_login(other_editor)
    page = client.get(f"/admin/education/lesson/{lesson.pk}/workflow/").content.decode()
    assert 'value="approve"' not in page
    assert 'value="send_back"' in page
    assert "修改了小测验" in page  # the history says who wrote the quiz
    response = client.post(f"/admin/education/lesson/{lesson.pk}/workflow/", {"action": "approve"})
    assert response.status_code == 200
    assert 'class="errorlist nonfield"' in response.content.decode()
    assert "你修改过这份草稿小测验的题目或答案" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.IN_REVIEW


def test_changing_or_deleting_a_question_or_an_answer_in_the_admin_makes_an_author(
    client: Client, draft: Lesson, editor: User, other_editor: User
) -> None:
    def authors() -> set[str]:
        rows = AuditEvent.objects.filter(action="lesson.quiz_changed", object_id=str(draft.pk))
        return {row.actor.email for row in rows.select_related("actor")}

    question = add_question(draft, "Fine question", [True, False])
    reviewer, third = other_editor, make_editor("third@example.com")
    client.force_login(reviewer)
    choices = list(question.choices.order_by("order"))
    data: dict[str, object] = {
        "lesson": draft.pk,
        "order": 1,
        "text": "Fine question",
        "choices-TOTAL_FORMS": 2,
        "choices-INITIAL_FORMS": 2,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for n, choice in enumerate(choices):
        data.update(
            {
                f"choices-{n}-id": choice.pk,
                f"choices-{n}-question": question.pk,
                f"choices-{n}-order": choice.order,
                f"choices-{n}-text": choice.text,
                f"choices-{n}-explanation": "…",
            }
        )
        if choice.is_correct:
            data[f"choices-{n}-is_correct"] = "on"
    # Saving without a change writes nobody in.
    assert client.post(f"/admin/education/question/{question.pk}/change/", data).status_code == 302
    assert authors() == set()
    data["choices-1-explanation"] = "A better explanation."
    assert client.post(f"/admin/education/question/{question.pk}/change/", data).status_code == 302
    assert authors() == {reviewer.email}

    client.force_login(third)
    response = client.post(f"/admin/education/question/{question.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    assert authors() == {reviewer.email, third.email}

    draft = services.lesson_transition(lesson=draft, action="submit", actor=editor)
    assert "approve" not in offered(draft, reviewer)
    assert "approve" not in offered(draft, third)


def test_questions_written_in_the_lessons_own_form_make_an_author_too(
    client: Client, draft: Lesson, editor: User, other_editor: User
) -> None:
    client.force_login(other_editor)
    response = client.post(
        f"/admin/education/lesson/{draft.pk}/change/",
        {
            "order": 1,
            "title": draft.title,
            "summary": draft.summary,
            "minutes": draft.minutes,
            "body_markdown": draft.body_markdown,
            "tags-TOTAL_FORMS": 0,
            "tags-INITIAL_FORMS": 0,
            "sources-TOTAL_FORMS": 0,
            "sources-INITIAL_FORMS": 0,
            "questions-TOTAL_FORMS": 1,
            "questions-INITIAL_FORMS": 0,
            "questions-0-order": 1,
            "questions-0-text": "Added beside the text",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    question = draft.questions.get()
    assert question.text == "Added beside the text"
    assert not LessonVersion.objects.filter(lesson=draft, created_by=other_editor).exists()  # text unchanged
    for n, right in enumerate([True, False], start=1):
        Choice.objects.create(question=question, order=n, text=f"c{n}", is_correct=right, explanation="…")
    draft = services.lesson_transition(lesson=draft, action="submit", actor=editor)
    assert "approve" not in offered(draft, other_editor)
    with pytest.raises(ApplicationError) as refused:
        services.lesson_transition(lesson=draft, action="approve", actor=other_editor)
    assert refused.value.code == "own_draft"

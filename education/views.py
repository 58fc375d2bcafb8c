"""The learning pages. Selectors say what there is (None where there is nothing: a 404 here), services
write what the reader did."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from core.htmx import render_page
from core.http import HtmxHttpRequest, or_404
from core.markers import staff_two_factor_required
from education import selectors, services
from education.forms import ANSWER_PREFIX, QuizForm, quiz_rows


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    page = selectors.learn_index(user=request.user)
    return render(request, "education/index.html", {"page": page})


@require_GET
def course(request: HttpRequest, course_key: str) -> HttpResponse:
    item = or_404(selectors.course_page(course_key=course_key, user=request.user))
    return render(request, "education/course.html", {"course": item})


# A reader without an account: their latest answers to each lesson, so a full-page result survives a reload.
GUEST_QUIZ_SESSION_KEY = "education.quiz_answers"
RESULT_PARAM = "result"
GUEST_RESULT = "guest"


# An attempt id as the link writes it: ASCII digits ("²" is a digit to str.isdigit, not to int), few enough
# for the database's integer.
ATTEMPT_ID_DIGITS = 18


def _answers_shown(request: HttpRequest, course_key: str, lesson_key: str) -> selectors.QuizAnswers | None:
    """The answers whose result the page was asked to show (?result=): the reader's own attempt, or a
    guest's answers from their session; anything else is ignored and the quiz is shown blank."""
    wanted = request.GET.get(RESULT_PARAM, "")
    if wanted == GUEST_RESULT and not request.user.is_authenticated:
        stored = request.session.get(GUEST_QUIZ_SESSION_KEY, {}).get(f"{course_key}/{lesson_key}")
        return selectors.quiz_guest_answers(course_key=course_key, lesson_key=lesson_key, stored=stored)
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= ATTEMPT_ID_DIGITS:
        return selectors.quiz_attempt_answers(
            course_key=course_key, lesson_key=lesson_key, user=request.user, attempt_id=int(wanted)
        )
    return None


@require_GET
def lesson(request: HtmxHttpRequest, course_key: str, lesson_key: str) -> HttpResponse:
    shown = _answers_shown(request, course_key, lesson_key)
    page = or_404(
        selectors.lesson_page(
            course_key=course_key,
            lesson_key=lesson_key,
            user=request.user,
            lesson_id=shown.lesson_id if shown else None,
        )
    )
    if isinstance(request.user, User):
        services.lesson_mark_read(
            user=request.user, lesson_id=page.lesson.id, has_quiz=bool(page.quiz.questions)
        )
    result = None
    initial: dict[str, object] = {"lesson": page.lesson.id}
    if shown is not None and page.quiz.questions:
        result = services.quiz_score(quiz=page.quiz, answers=shown.answers, saved=shown.saved)
        initial.update({f"{ANSWER_PREFIX}{pk}": choice for pk, choice in shown.answers.items()})
    form = QuizForm(initial=initial, questions=page.quiz.questions)
    rows = quiz_rows(form, result.answers if result else ())
    context = {"page": page, "form": form, "rows": rows, "result": result}
    return render(request, "education/lesson.html", context)


@require_http_methods(["GET", "POST"])
def quiz(request: HtmxHttpRequest, course_key: str, lesson_key: str) -> HttpResponse:
    lesson_url = reverse("education:lesson", args=[course_key, lesson_key])
    if request.method == "GET":
        # A reload or a language switch after answering without JavaScript lands here: show the lesson.
        return redirect(f"{lesson_url}#quiz")
    try:
        lesson_id = int(request.POST.get("lesson", ""))
    except ValueError as error:
        raise Http404 from error
    answered = or_404(
        selectors.quiz_lesson(course_key=course_key, lesson_key=lesson_key, lesson_id=lesson_id)
    )
    form = QuizForm(request.POST, questions=answered.questions)
    result = None
    if form.is_valid():
        answers = form.answers()
        result = services.quiz_submit(user=request.user, quiz=answered, answers=answers)
        if not request.htmx:
            # Post/redirect/get: the full-page result has an address of its own, to reload or re-language.
            if result.attempt_id is not None:
                shown = str(result.attempt_id)
            else:
                kept = dict(request.session.get(GUEST_QUIZ_SESSION_KEY, {}))
                kept[f"{course_key}/{lesson_key}"] = {
                    "lesson": answered.lesson_id,
                    "answers": {str(pk): choice for pk, choice in answers.items()},
                }
                request.session[GUEST_QUIZ_SESSION_KEY] = kept
                shown = GUEST_RESULT
            return redirect(f"{lesson_url}?{urlencode({RESULT_PARAM: shown})}#quiz")
    page = or_404(
        selectors.lesson_page(
            course_key=course_key, lesson_key=lesson_key, user=request.user, lesson_id=answered.lesson_id
        )
    )
    rows = quiz_rows(form, result.answers if result else ())
    context = {"page": page, "form": form, "rows": rows, "result": result}
    return render_page(request, "education/lesson.html", context, partial="quiz" if request.htmx else None)


@require_http_methods(["GET", "POST"])
@login_required
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    questions = selectors.review_questions(user=request.user)
    form = QuizForm(request.POST or None, questions=questions, required_all=False)
    feedback: tuple[services.AnswerFeedback, ...] = ()
    if request.method == "POST" and form.is_valid():
        feedback = services.review_submit(user=request.user, questions=questions, answers=form.answers())
    context = {"questions": questions, "form": form, "rows": quiz_rows(form, feedback), "feedback": feedback}
    return render(request, "education/review.html", context)


@require_GET
@login_required
def certificate(request: AuthenticatedHttpRequest, course_key: str) -> HttpResponse:
    item = or_404(selectors.certificate(course_key=course_key, user=request.user))
    return render(request, "education/certificate.html", {"certificate": item})


@staff_two_factor_required
@require_GET
@login_required
def preview(request: AuthenticatedHttpRequest, lesson_id: int) -> HttpResponse:
    # Drafts exist only for staff who may read lessons in the admin; to anyone else there is nothing here.
    if not (request.user.is_staff and request.user.has_perm("education.view_lesson")):
        raise Http404
    page = or_404(selectors.lesson_preview(lesson_id=lesson_id, user=request.user))
    form = QuizForm(initial={"lesson": page.lesson.id}, questions=page.quiz.questions)
    context = {"page": page, "form": form, "rows": quiz_rows(form, ()), "result": None}
    return render(request, "education/lesson.html", context)

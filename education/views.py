from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import HtmxHttpRequest
from education import selectors, services
from education.forms import QuizForm, quiz_rows


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    page = selectors.learn_index(user=request.user)
    return render(request, "education/index.html", {"page": page})


@require_GET
def course(request: HttpRequest, course_key: str) -> HttpResponse:
    item = selectors.course_page(course_key=course_key, user=request.user)
    return render(request, "education/course.html", {"course": item})


@require_GET
def lesson(request: HtmxHttpRequest, course_key: str, lesson_key: str) -> HttpResponse:
    page = selectors.lesson_page(course_key=course_key, lesson_key=lesson_key, user=request.user)
    if request.user.is_authenticated:
        services.lesson_mark_read(user=request.user, lesson=page.lesson, has_quiz=bool(page.questions))
    form = QuizForm(initial={"lesson": page.lesson.pk}, questions=page.questions)
    context = {"page": page, "form": form, "rows": quiz_rows(form, ()), "result": None}
    return render(request, "education/lesson.html", context)


@require_POST
def quiz(request: HtmxHttpRequest, course_key: str, lesson_key: str) -> HttpResponse:
    try:
        lesson_id = int(request.POST.get("lesson", ""))
    except ValueError as error:
        raise Http404 from error
    lesson, questions = selectors.quiz_lesson(
        course_key=course_key, lesson_key=lesson_key, lesson_id=lesson_id
    )
    form = QuizForm(request.POST, questions=questions)
    result = None
    if form.is_valid():
        result = services.quiz_submit(
            user=request.user, lesson=lesson, questions=questions, answers=form.answers()
        )
    page = selectors.lesson_page(
        course_key=course_key, lesson_key=lesson_key, user=request.user, lesson_id=lesson.pk
    )
    rows = quiz_rows(form, result.answers if result else ())
    context = {"page": page, "form": form, "rows": rows, "result": result}
    if request.htmx:
        return render(request, "education/lesson.html#quiz", context)
    return render(request, "education/lesson.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def review(request: HtmxHttpRequest) -> HttpResponse:
    questions = selectors.review_questions(user=request.user)
    form = QuizForm(request.POST or None, questions=questions, required_all=False)
    feedback: tuple[services.AnswerFeedback, ...] = ()
    if request.method == "POST" and form.is_valid():
        feedback = services.review_submit(user=request.user, questions=questions, answers=form.answers())
    context = {"questions": questions, "form": form, "rows": quiz_rows(form, feedback), "feedback": feedback}
    return render(request, "education/review.html", context)


@require_GET
@login_required
def certificate(request: HttpRequest, course_key: str) -> HttpResponse:
    item = selectors.certificate(course_key=course_key, user=request.user)
    return render(request, "education/certificate.html", {"certificate": item})


@require_GET
@login_required
def preview(request: HtmxHttpRequest, lesson_id: int) -> HttpResponse:
    # Drafts exist only for staff who may read lessons in the admin; to anyone else there is nothing here.
    if not (request.user.is_staff and request.user.has_perm("education.view_lesson")):
        raise Http404
    page = selectors.lesson_preview(lesson_id=lesson_id, user=request.user)
    form = QuizForm(initial={"lesson": page.lesson.pk}, questions=page.questions)
    context = {"page": page, "form": form, "rows": quiz_rows(form, ()), "result": None}
    return render(request, "education/lesson.html", context)

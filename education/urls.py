from django.urls import path

from education import views

app_name = "education"

urlpatterns = [
    path("", views.index, name="index"),
    path("review/", views.review, name="review"),
    path("preview/<int:lesson_id>/", views.preview, name="preview"),
    path("<slug:course_key>/", views.course, name="course"),
    path("<slug:course_key>/certificate/", views.certificate, name="certificate"),
    path("<slug:course_key>/<slug:lesson_key>/", views.lesson, name="lesson"),
    path("<slug:course_key>/<slug:lesson_key>/quiz/", views.quiz, name="quiz"),
]

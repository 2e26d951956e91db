"""Builders and a stoppable server for the offline tests."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

from werkzeug.serving import make_server

from teacherapp.models import Course, Enrolment, Rubric, Subject, SubjectKind, User


@dataclass
class ExamCourse:
    teacher: User
    course: Course
    subject: Subject
    rubric: Rubric
    enrolments: list[Enrolment]


def exam_course(make, pupils: int = 4, criteria: int = 4) -> ExamCourse:
    """A teacher's course with a practical subject scored with a rubric, and paid pupils."""
    ct = make.course_type(name="Hoger Redder")
    teacher = make.teacher(recognised_for=[ct], full_name="An Peeters")
    course = make.course(ct, teachers=[teacher])
    rubric = make.rubric(ct, criteria=criteria, levels=4)
    subject = make.subject(course, "Redding in het water", kind=SubjectKind.PRACTICAL,
                           maximum=20, pass_mark=10, rubric=rubric)
    enrolments = [
        make.enrolment(course, make.pupil(course.school, first_name=f"Leerling{n}",
                                          last_name=f"Nummer{n}"))
        for n in range(1, pupils + 1)
    ]
    return ExamCourse(teacher, course, subject, rubric, enrolments)


class StoppableServer:
    """The app on a fixed loopback port that a test can stop and start again.

    The origin (and so the service worker, its caches and IndexedDB) stays the same across a
    restart: the stricter "the server is gone" check next to the browser's offline switch.
    """

    def __init__(self, app) -> None:
        self.app = app
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._thread = None

    def start(self) -> None:
        if self._server is not None:
            return
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None

"""The watcher's regeneration of plans: a school's documents are made again when its data changed,
once a burst of files has settled (debounced), never on every file of the burst.

`PlanRefresher.notice` compares each school's fingerprint (its records, the office's follow-up
status, the school year and the templates) with the one its documents were made from; a changed
school is due `quiet` seconds after its last change, or at the latest `longest` seconds after the
first. `run_due` makes the due schools' documents, with the templates compiled once and kept (a
template is compiled again when its file changes). Neither ever raises: a problem is logged (in
Dutch, naming the template and the tag) and tried again when the data or a template changes.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from automation.config import Settings
from automation.documents import generate as gen
from automation.errors import VeiligheidError
from automation.schoolyear import schoolyear
from automation.store import Store

log = logging.getLogger(__name__)


@dataclass
class PlanRefresher:
    settings: Settings
    quiet: float = 30.0
    longest: float = 300.0
    clock: Callable[[], float] = time.monotonic
    due: dict[str, tuple[float, float]] = field(default_factory=dict)  # school -> (first change, due at)
    seen: dict[str, str] = field(default_factory=dict)  # school -> fingerprint last noticed
    failed: dict[str, str] = field(default_factory=dict)  # school -> fingerprint that failed
    templates: gen.TemplateCache = field(default_factory=gen.TemplateCache)  # compiled, kept between runs

    def notice(self, store: Store, *, today: dt.date) -> list[str]:
        """Look for schools whose data changed; returns those newly or again scheduled."""
        try:
            fingerprints = gen.school_fingerprints(
                store, schooljaar=schoolyear(today), templates=gen.template_stamp(self.settings)
            )
            with_form = store.schools_with("school")
            stale = gen.stale_schools(self.settings, fingerprints, with_school_form=with_form)
        except Exception:
            log.exception("Kon niet nagaan welke veiligheidsplannen verouderd zijn.")
            return []
        now = self.clock()
        scheduled = []
        for brin in stale:
            fingerprint = fingerprints.get(brin, "")
            if self.seen.get(brin) == fingerprint and (brin in self.due or self.failed.get(brin) == fingerprint):
                continue  # nothing new since we noticed it (or since it failed)
            self.seen[brin] = fingerprint
            first = self.due.get(brin, (now, now))[0]
            self.due[brin] = (first, min(now + self.quiet, first + self.longest))
            scheduled.append(brin)
        return scheduled

    def run_due(self, store: Store, *, today: dt.date) -> list[str]:
        """Make the documents of the schools that are due; returns the schools done."""
        now = self.clock()
        ready = sorted(brin for brin, (_, at) in self.due.items() if at <= now)
        if not ready:
            return []
        for brin in ready:
            del self.due[brin]
        try:
            templates = self.templates.load(gen.template_folders(self.settings))  # only changed ones compile
            done = gen.generate(
                self.settings, store, schooljaar=schoolyear(today), today=today, schools=ready, templates=templates
            )
        except VeiligheidError as exc:
            log.error("Veiligheidsplannen niet bijgewerkt (%s): %s", ", ".join(ready), exc.message)
            self.failed.update({brin: self.seen.get(brin, "") for brin in ready})
            return []
        except Exception:
            log.exception("Fout bij het maken van de veiligheidsplannen van %s.", ", ".join(ready))
            self.failed.update({brin: self.seen.get(brin, "") for brin in ready})
            return []
        for result in done.results:
            self.failed.pop(result.brin, None)
            log.info("Veiligheidsplan en bijlagen bijgewerkt: %s", result.folder)
        return [r.brin for r in done.results]

    def tick(self, store: Store, *, today: dt.date, changed: bool) -> list[str]:
        """One turn of the watcher loop: notice changes (when something changed), make what is due."""
        if changed:
            self.notice(store, today=today)
        return self.run_due(store, today=today) if self.due else []

/* The room page, for the projector: the scene (with the scenes the game passed through
   just before it), what is open and who has voted, the latest vote, the state of play, the
   join QR while phones are still joining. The server sends it public events only; this page
   adds nothing private. */
(function () {
  "use strict";

  var P = window.Presidium;
  var el = P.el;
  var $ = P.$;
  P.credentials = null;

  var feed = new P.Feed($("feed"), 40, "room");
  var state = null;
  var fetching = false;
  var again = false;
  var latestVote = null;
  var sealed = {}; // vote id -> true: its result came as totals only (a secret ballot)
  var objectives = []; // every role's objectives, once the teacher has made them public
  var stopped = false; // the server said goodbye: who is connected is not known
  var phase = null; // the scene the events have reached (a vote is held in one)
  var byScript = {}; // seat -> true while the teacher has handed it to the script
  // The scenes the game passed through (asking nothing of anyone) since the class last
  // decided, oldest first, each {seq, scene}: shown above the scene now until the next
  // decision is taken. Worked out from the events alone, so a reloaded page, which is sent
  // them all again, shows the same.
  var passed = [];
  var current = null; // the latest scene's {seq, scene}
  var asked = false; // something was opened (a decision, a ballot, a floor) in that scene
  var folded = {}; // seq -> true: a passed scene's feed entry, collapsed to its title here

  var stream = new P.Stream({
    game: function (event, seq) {
      if (event.to && event.to.length) {
        // addressed to someone: never on the projector, even if this browser holds the
        // teacher's or a phone's cookie (a stream cannot be opened without cookies)
        feed.last = Math.max(feed.last, seq);
        return;
      }
      feed.add(seq, event);
      settle();
      passedThrough(event, seq);
      if (event.type === "phase") {
        phase = event.phase;
      } else if (event.type === "seat") {
        byScript[event.seat] = !event.held;
      }
      if (event.type === "ballot_progress") {
        P.progressDrawn(state, event, drawRequests);
      }
      if (event.type === "vote") {
        if (!event.ballots.length && !event.blocs.length) {
          sealed[event.vote] = true;
        } else if (sealed[event.vote]) {
          event.revealed = true; // the teacher's 'reveal': the same vote, voter by voter
        }
        latestVote = event;
        latestVote.seq = seq;
        latestVote.phase = phase; // the scene it was held in
        drawResult();
      } else if (event.type === "objectives") {
        objectives = objectives
          .filter(function (o) {
            return o.name !== event.name;
          })
          .concat([event]);
        if (state) {
          drawObjectives();
        }
      } else if (event.type === "request" && event.kind === "ballot") {
        latestVote = null; // a new ballot: the last result gives way to its progress
      }
    },
    presence: function (counts) {
      if (state) {
        state.connected = counts;
        drawJoin();
        settle(); // the QR may have gone (every phone is in), or come back
      }
    },
    state: function (given) {
      P.pushed(given, use, refresh); // the stream's state, or (none) a fetch
    },
    connection: function (how) {
      P.connection($("connection"), how);
      P.show($("stopped"), how === "stopped");
      stopped = how === "stopped";
      if (state) {
        drawJoin(); // the counts heard while the server shut down are no longer true
        settle();
      }
    },
  });

  /* A state from the stream or a fetch, drawn unless it is older than the one drawn. */
  function use(given) {
    if (P.sameClass(given) && !P.older(given, state)) {
      state = given;
      draw();
    }
  }

  function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    P.api("GET", "/api/state").then(function (answer) {
      fetching = false;
      if (answer.ok) {
        use(answer.data);
      }
      if (again) {
        again = false;
        refresh();
      }
    });
  }

  function draw() {
    if (state.scenario && state.scenario.title) {
      $("scenario-title").textContent = state.scenario.title;
      document.title = "presidium: " + state.scenario.title;
    }
    drawScene();
    drawPassed();
    drawPaused();
    drawRequests();
    drawResult();
    drawEnded();
    drawStatus();
    drawJoin();
    settle();
  }

  // ------------------------------------------------------------------ fitting the screen
  /* Nobody scrolls a projector. Each column shows all it holds: its text is made smaller,
     down to MIN_SCALE of the page's size, until it fits; what still does not fit says so
     ("More below", which the teacher can scroll to). The feed shows the newest entries that
     fit whole, never a line cut in half under its heading. While the scene's column also
     holds the scenes passed through just before it, it may take the whole height: the feed
     has what it leaves, or gives way. Done once a frame at most. */
  var MIN_SCALE = 0.8;
  var settling = false;
  function settle() {
    if (settling) {
      return;
    }
    settling = true;
    window.requestAnimationFrame(function () {
      settling = false;
      // the vote's box and the feed are measured against the scene in its whole size, as
      // fit() first tries it (it may have been made smaller for the last scene, or for the
      // scenes passed through above it): the scene keeps that room, they have the rest
      $("scene").style.fontSize = "";
      placeResult();
      fitFeed();
      // the vote's box under the scene has its own height (the scene has what it leaves):
      // it is fitted first
      var boxes = Array.prototype.slice.call(document.querySelectorAll(".fits"));
      boxes.sort(function (a, b) {
        return (b.id === "result" ? 1 : 0) - (a.id === "result" ? 1 : 0);
      });
      boxes.forEach(fit);
      if (document.body.classList.contains("room-passed")) {
        fitFeed(); // the feed has what the scenes passed through leave, once they are fitted
      }
    });
  }

  /* The latest vote's box sits in the side column, under what is open. When that column
     cannot hold it even in smaller text (the join QR and a decision above a vote with
     every voter's name and reason), the box goes under the scene, and the feed gives way to
     it: an open, a simultaneous and a revealed secret ballot alike (one box, drawn by
     drawResult, placed here). How each voted, and the students' reasons, are the moment of
     the lesson: they never give way unseen. Under the scene the box has its whole height,
     up to most of the column; once a new scene has started, the class decides on that one,
     and the scene keeps a larger part of the column for its start. What gives way, in turn:
     the feed; the text of the scene and of the box, made smaller; the vote's motion (its
     title says what was voted on); then the box goes across the foot of both columns (its
     lines twice as long, it needs far less height), if the scene, the box and what is open
     are then whole (the state of play may end in "More below"); only then, the box back
     under the scene, the scene's text ends in "More below", and only then the box's. */
  function placeResult() {
    var box = $("result");
    var side = $("side");
    var scene = $("scene");
    var body = document.body;
    if (box.parentNode !== side) {
      side.insertBefore(box, $("status-box"));
    }
    box.classList.remove("fits", "more", "result-brief");
    box.style.fontSize = "";
    box.style.maxHeight = "";
    body.classList.remove("result-main", "result-earlier", "result-across");
    if (box.hidden || body.classList.contains("room-over")) {
      return;
    }
    fit(side);
    if (!over(side)) {
      return;
    }
    side.style.fontSize = "";
    if (!underScene(false) && !underScene(true) && !across()) {
      underScene(true);
    }
    scene.style.fontSize = ""; // measured afresh with the rest of the columns (settle)
    side.style.fontSize = "";
  }

  /* The vote's box under the scene, its motion left out (``brief``) or not: whether the
     scene and the box are then whole. */
  function underScene(brief) {
    var box = $("result");
    var scene = $("scene");
    var body = document.body;
    scene.parentNode.insertBefore(box, document.querySelector(".room-feed"));
    body.classList.remove("result-across");
    body.classList.add("result-main");
    body.classList.toggle("result-earlier", earlier());
    box.classList.add("fits");
    box.classList.toggle("result-brief", brief);
    box.style.fontSize = "";
    box.style.maxHeight = "";
    scene.style.fontSize = "";
    if (earlier()) {
      keepStart(box, scene);
    }
    fit(box);
    fit(scene);
    return !over(box) && !over(scene);
  }

  /* The vote's box across the foot of both columns, in the page's type or smaller, its
     motion left out: whether the scene, the box and what is open in the side column are
     then whole (the state of play, under what is open, may end in "More below"). */
  function across() {
    var box = $("result");
    var scene = $("scene");
    var side = $("side");
    var body = document.body;
    side.parentNode.appendChild(box);
    body.classList.remove("result-main", "result-earlier");
    body.classList.add("result-across");
    box.classList.remove("fits", "more");
    box.classList.add("result-brief");
    box.style.maxHeight = "";
    var scales = [1, MIN_SCALE];
    for (var n = 0; n < scales.length; n++) {
      box.style.fontSize = scales[n] === 1 ? "" : scales[n] + "em";
      fit(scene);
      fit(side);
      if (!over(scene) && (!over(side) || !hidden($("open"), side))) {
        return true;
      }
    }
    box.style.fontSize = "";
    body.classList.remove("result-across");
    return false;
  }

  /* The vote's box under the scene made no taller than leaves the scene, in its smallest
     text, what it must show of the scene now decided on: the scenes passed through just
     before it, its title and its first lines (up to three), and the "More below" under
     them (or the whole scene, if that is shorter). The box keeps at least 30% of the
     column: its result, the start of how each voted, and its own "More below". */
  var FIRST_LINES = 3;
  function keepStart(box, scene) {
    scene.style.fontSize = MIN_SCALE + "em";
    var top = scene.getBoundingClientRect().top - scene.scrollTop;
    var title = $("scene-title").getBoundingClientRect();
    var first = $("scene-text").querySelector("p");
    var line = parseFloat(getComputedStyle($("scene-text")).fontSize) * 1.5;
    var end = title.bottom;
    if (first) {
      end = Math.min(first.getBoundingClientRect().bottom, title.bottom + FIRST_LINES * line + line / 2);
    }
    // and room for "More below", unless that is the whole scene
    var keep = Math.min(scene.scrollHeight, end - top + 2.5 * line);
    var column = scene.parentNode.clientHeight;
    var gap = parseFloat(getComputedStyle(scene.parentNode).rowGap) || 0;
    scene.style.fontSize = "";
    if (keep + gap + box.getBoundingClientRect().height > column) {
      box.style.maxHeight = Math.max(column - keep - gap, 0.3 * column) + "px";
    }
  }

  /* Whether the latest vote was held in another scene than the one shown now. */
  function earlier() {
    return !!(latestVote && state && state.scene && latestVote.phase && latestVote.phase !== state.scene.phase);
  }

  function over(box) {
    return box.scrollHeight > box.clientHeight + 1;
  }

  /* The box's text made smaller, step by step down to MIN_SCALE, while tooBig() says so. */
  function shrink(box, tooBig) {
    box.style.fontSize = "";
    var scale = 1;
    while (tooBig() && scale > MIN_SCALE + 0.001) {
      scale = Math.max(MIN_SCALE, scale - 0.05);
      box.style.fontSize = scale.toFixed(2) + "em";
    }
  }

  function fit(box) {
    var objectives = box.id === "scene" && document.body.classList.contains("room-objectives-out");
    var part = objectives ? box.querySelector(".room-objectives") : null;
    shrink(box, function () {
      return part ? hidden(part, box) : over(box);
    });
    marked(box);
  }

  /* Whether ``part`` ends below what ``box`` shows, or under its "More below": on the
     objectives slide the objectives are fitted, not the ending's text after them, which
     the class has read (it is below them, and the slide says so). */
  function hidden(part, box) {
    var shown = box.getBoundingClientRect().top + box.clientTop + box.clientHeight;
    var sign = box.scrollHeight > box.clientHeight + 1 ? SIGN_EM * parseFloat(getComputedStyle(box).fontSize) : 0;
    return part.getBoundingClientRect().bottom > shown - sign + 1;
  }
  var SIGN_EM = 2.4; // the height of "More below" (style.css, .fits.more::after), in the box's em

  /* "More below" while there is more below (scrolled to the end, the sign goes). */
  function marked(box) {
    box.classList.toggle("more", box.scrollTop + box.clientHeight < box.scrollHeight - 1);
  }

  function fitFeed() {
    var box = $("feed").parentNode;
    var section = box.parentNode;
    var items = Array.prototype.slice.call($("feed").children);
    section.classList.remove("feed-gone");
    items.forEach(function (item) {
      item.hidden = false;
    });
    // the newest entry (a revealed ballot, voter by voter) may be taller than the box:
    // smaller text first, as the columns do
    var newest = items[items.length - 1];
    shrink(box, function () {
      return !!newest && newest.getBoundingClientRect().height > box.clientHeight + 1;
    });
    var room = box.clientHeight;
    var heights = items.map(function (item) {
      return item.getBoundingClientRect().height;
    });
    var used = 0;
    var first = items.length;
    while (first > 0 && (used + heights[first - 1] <= room + 1 || first === items.length)) {
      used += heights[first - 1];
      first -= 1;
    }
    for (var n = 0; n < first; n++) {
      items[n].hidden = true; // older, and no longer whole on the screen
    }
    var body = document.body.classList;
    var taken = body.contains("result-main") || body.contains("result-across") || body.contains("room-passed");
    if (taken && used > room + 1) {
      // the vote's box, or the scenes passed through above the scene now, took the feed's
      // room: the feed gives way whole, not cut in half
      section.classList.add("feed-gone");
      box.classList.remove("more"); // nothing of it is shown, nor said to be below
      return;
    }
    // the newest entry alone may be taller than the box: its start is shown, and the box
    // says there is more ("More below", which the teacher can scroll to)
    box.scrollTop = used > room ? 0 : box.scrollHeight;
    marked(box);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".fits, .room-feed .feed-scroll, #result"), function (box) {
    box.addEventListener("scroll", function () {
      marked(box);
    });
  });
  window.addEventListener("resize", settle);
  // a column's content that changes size between two draws (the QR going, an image
  // loaded, a countdown's line, the vote's box moved under the scene) fits it again, and
  // "More below" goes or comes with it. The parts are watched, not the feed's entries
  // (which fitting hides and shows); fitting the same parts again gives them the same
  // sizes, so a change costs one more fit at most
  if (window.ResizeObserver) {
    var watcher = new window.ResizeObserver(settle);
    ["passed", "scene-where", "scene-title", "scene-text", "ended", "join", "open", "result", "status-box"].forEach(
      function (id) {
        watcher.observe($(id));
      }
    );
  }

  function drawScene() {
    var scene = state.scene;
    if (!scene) {
      return;
    }
    var title = (scene.counterfactual ? "[Counterfactual] " : "") + scene.title;
    if ($("scene-title").textContent === title && $("scene").getAttribute("data-phase") === scene.phase) {
      return;
    }
    $("scene").setAttribute("data-phase", scene.phase);
    $("scene-title").textContent = title;
    $("scene-where").textContent = P.where(scene);
    var text = P.clear($("scene-text"));
    if (scene.content_note) {
      text.appendChild(el("p", "hint", "Content note: " + scene.content_note));
    }
    P.append(text, P.paragraphs(scene.text));
    $("scene").scrollTop = 0;
  }

  /* The scenes the game has passed through since the class last decided, from each public
     event in turn: a scene is passed through when the next one starts and nothing was opened
     in it (the opening background, the plenum's verdict, a scene that only narrates). The
     list is emptied when the class's next decision is taken (a decision, a ballot or a floor
     closes; an undo closes what it takes back too), and when a scene that asked something
     gives way to the next. */
  function passedThrough(event, seq) {
    if (event.type === "phase") {
      passed = current && !asked ? passed.concat([current]) : [];
      current = { seq: seq, scene: event };
      asked = false;
    } else if (event.type === "request") {
      asked = true;
    } else if (event.type === "closed" && event.kind !== "rating") {
      passed = [];
    } else if (event.type !== "ended") {
      return;
    }
    if (state) {
      drawPassed();
    }
  }

  /* The scenes passed through, above the scene now, each with its date, place and title and
     its whole text, marked "Just before" (and the scene now, "Now"); their feed entries are
     collapsed to their titles meanwhile, as the scene now's is: the scene column has them
     whole. The state and the events may be a moment apart: they are shown only above the
     scene they led to. At the end they give way: the ending matters most then, and its box
     comes first on the screen, under the last scene. */
  function drawPassed() {
    var scene = state.scene;
    var shown =
      scene && !state.ended && current && current.scene.phase === scene.phase && current.scene.title === scene.title
        ? passed
        : [];
    var box = $("passed");
    var key = shown
      .map(function (p) {
        return p.seq;
      })
      .join(",");
    document.body.classList.toggle("room-passed", shown.length > 0);
    P.show(box, shown.length > 0);
    foldPassed(shown);
    if (box.getAttribute("data-seqs") === key) {
      return;
    }
    box.setAttribute("data-seqs", key);
    var list = P.clear($("passed-list"));
    shown.forEach(function (p) {
      var e = p.scene;
      var part = el("section", "passed-scene");
      if (P.where(e)) {
        part.appendChild(el("p", "where", P.where(e)));
      }
      part.appendChild(el("h2", "", (e.counterfactual ? "[Counterfactual] " : "") + e.title));
      part.appendChild(
        el("div", "scene-text", [
          e.content_note ? el("p", "hint", "Content note: " + e.content_note) : null,
          P.paragraphs(e.text),
        ])
      );
      list.appendChild(part);
    });
    $("scene").scrollTop = 0;
    settle();
  }

  /* The feed entries of the scenes in ``shown`` collapsed to their titles; those collapsed
     here before and no longer shown above, whole again. */
  function foldPassed(shown) {
    var now = {};
    shown.forEach(function (p) {
      now[p.seq] = true;
    });
    Object.keys(folded)
      .concat(Object.keys(now))
      .forEach(function (seq) {
        var entry = $("feed").querySelector('[data-seq="' + seq + '"]');
        if (!entry || entry === feed.collapsed) {
          return;
        }
        entry.classList.toggle("collapsed", !!now[seq]);
        Array.prototype.forEach.call(entry.querySelectorAll(".entry-text"), function (text) {
          text.hidden = !!now[seq];
        });
      });
    folded = now;
  }

  function drawPaused() {
    var node = $("paused");
    var paused = state.paused !== null && state.paused !== undefined;
    P.show(node, paused);
    if (paused) {
      var reason = String(state.paused).trim().replace(/\.$/, "");
      node.textContent =
        "Paused by the teacher" + (reason ? ": " + reason : "") + ". No one acts until the teacher resumes the game.";
    }
  }

  function drawRequests() {
    var list = P.clear($("request-list"));
    var paused = state.paused !== null && state.paused !== undefined;
    (state.requests || []).forEach(function (r) {
      var card = el("article", "room-request request-" + r.kind);
      card.appendChild(el("h2", "", P.requestLine(r)));
      if (r.remaining_ms !== null && r.remaining_ms !== undefined) {
        card.appendChild(P.countdown(r, paused));
      }
      if (r.kind === "ballot") {
        if (P.BALLOT_KINDS[r.ballot]) {
          card.appendChild(el("p", "hint", P.BALLOT_KINDS[r.ballot]));
        }
        card.appendChild(el("p", "progress", progress(r)));
      } else if (r.kind === "decision") {
        var options = feed.memory.offered[r.request] || [];
        if (options.length) {
          var ol = el("ol", "options");
          options.forEach(function (o) {
            ol.appendChild(el("li", o.available ? "" : "unavailable", P.optionText(o)));
          });
          card.appendChild(ol);
        }
        if (r.voters && r.voters.length > 1) {
          card.appendChild(el("p", "hint", "Advising: " + r.voters.slice(1).join(", ") + "."));
        }
        if (r.of) {
          card.appendChild(el("p", "progress", r.count + " of " + r.of + " hands raised."));
        }
      } else if (r.kind === "floor") {
        card.appendChild(el("p", "", "Moves, declarations and arguments now; moves are settled when the floor closes."));
        if (r.voters && r.voters.length) {
          card.appendChild(el("p", "hint", "On the floor: " + r.voters.join(", ") + "."));
        }
      } else if (r.kind === "rating") {
        card.appendChild(el("p", "hint", "The teacher rates the argument from 1 to 5."));
      }
      list.appendChild(card);
    });
    P.resetCountdowns();
  }

  /* Who has voted and who has not (never how): by name when the server gives the names,
     else the count. */
  function progress(r) {
    if (r.voted === null || r.voted === undefined) {
      return r.count + " of " + r.of + " have voted.";
    }
    var waiting = r.waiting
      ? r.waiting
      : (r.voters || []).filter(function (name) {
          return r.voted.indexOf(name) < 0;
        });
    return P.progressLine(r.voted, waiting, r.count, r.of);
  }

  function drawResult() {
    var box = $("result");
    P.show(box, !!latestVote);
    if (!latestVote || box.getAttribute("data-seq") === String(latestVote.seq)) {
      return;
    }
    box.setAttribute("data-seq", String(latestVote.seq));
    P.clear(box);
    var e = latestVote;
    box.appendChild(el("h2", "", "Vote: " + (e.counterfactual ? "[Counterfactual] " : "") + e.title));
    box.appendChild(el("p", "motion", "Motion: " + e.motion));
    if (!e.ballots.length && !e.blocs.length) {
      box.appendChild(el("p", "hint", "The ballot was secret: only the totals are shown."));
    } else if (e.revealed) {
      box.appendChild(el("p", "hint", "A secret ballot, revealed by the teacher."));
    }
    var tally = el("p", "tally " + (e.passed ? "passed" : "failed"), P.resultLine(e));
    box.appendChild(tally);
    // how each voted (an open or simultaneous ballot, or one the teacher revealed), and
    // the students' reasons ("the whole room sees it with your vote"): here, where it stays
    // until the next vote, not only in the feed, which moves on (and has every reason,
    // the scenario's too: those are not quoted here as if a student had said them)
    var ways = el("dl", "ballot-ways");
    [
      ["for", "For"],
      ["against", "Against"],
      ["abstain", "Abstained"],
    ].forEach(function (pair) {
      var given = e.ballots.filter(function (b) {
        return b.vote === pair[0];
      });
      if (!given.length) {
        return;
      }
      // a student's reason beside the name, in the line of names: the box stays short;
      // the voters who had not voted come last, together, said once
      var dd = el("dd", "");
      var cast = given.filter(function (b) {
        return !notVoted(b);
      });
      var missed = given.filter(function (b) {
        return notVoted(b);
      });
      cast.forEach(function (b, n) {
        dd.appendChild(document.createTextNode((n ? ", " : "") + b.name));
        if (b.reason && ownWords(e, b)) {
          var why = (b.counterfactual ? "[Counterfactual] " : "") + b.reason;
          dd.appendChild(el("span", "why", ' ("' + why + '")'));
        }
      });
      if (missed.length) {
        var names = missed.map(function (b) {
          return b.name;
        });
        dd.appendChild(document.createTextNode((cast.length ? "; " : "") + names.join(", ")));
        dd.appendChild(el("span", "not-voted", " (" + notVoted(missed[0]) + ")"));
      }
      ways.appendChild(el("div", "way", [el("dt", "", pair[1] + ": "), dd]));
    });
    e.blocs.forEach(function (bloc) {
      ways.appendChild(
        el("div", "way", [
          el("dt", "", bloc.label + ": "),
          el("dd", "", bloc.votes_for + " for, " + bloc.votes_against + " against, " + bloc.abstentions + " abstaining"),
        ])
      );
    });
    if (ways.children.length) {
      box.appendChild(ways);
    }
  }

  /* A ballot counted for a voter who had not voted when it closed, as the feed and the
     debrief say it ("had not voted"): its reason begins with why (the game's words,
     presidium.ballots.LATE and CLOSED_FIRST). Under "For" or "Against" the scenario's rules
     cast it, as the feed says in full; here it stays short (the box must not push the scene
     off the screen). Empty for a ballot the voter cast. */
  var NOT_VOTED = [
    ["Had not voted when the teacher closed the ballot; ", "had not voted"],
    ["Did not vote in time; ", "did not vote in time"],
  ];
  function notVoted(b) {
    var found = NOT_VOTED.filter(function (pair) {
      return (b.reason || "").indexOf(pair[0]) === 0;
    })[0];
    return found ? found[1] : "";
  }

  /* Whether a ballot's reason is the student's own words: the vote's record names the
     voters who cast their own ballot ("own"); every other reason is the scenario's rules'
     (a voter no student holds, a seat the script plays, a ballot not in at the close). */
  function ownWords(e, b) {
    return (e.own || []).indexOf(b.voter) >= 0;
  }

  /* The ending, whole, where the scene was (the epilogue, then the ending and what became
     of each man): the phones show it whole, and so does the projector. */
  function drawEnded() {
    var ended = state.ended;
    document.body.classList.toggle("room-over", !!ended);
    if (P.drawEnded($("ended"), ended, true) && ended.fates && ended.fates.length) {
      var box = $("ended");
      box.appendChild(el("h3", "", "What became of them" + (ended.kind === "historical" ? "" : " (counterfactual)")));
      var list = el("ul", "fates");
      ended.fates.forEach(function (fate) {
        list.appendChild(el("li", "", [el("strong", "", fate.name + ": "), fate.text]));
      });
      box.appendChild(list);
    }
    drawObjectives();
  }

  /* Every role's objectives, and whether each was met, once the teacher has revealed them
     ('reveal' promises them "on the projector"): the page switches to them. The epilogue,
     which the class has read, gives way; the ending's box leads with the objectives, in
     the projector's type, and the ending and what became of each man come after. */
  var VERDICT = { true: "Achieved", false: "Failed", null: "Not known (counted on paper)" };
  function drawObjectives() {
    var box = $("ended");
    var old = box.querySelector(".room-objectives");
    if (old) {
      box.removeChild(old);
    }
    // the roles students played first, then those the teacher handed to the script (the
    // bell hands every role to it: that does not count)
    var shown = objectives.filter(function (o) {
      return !(o.to && o.to.length);
    });
    shown = shown
      .filter(function (o) {
        return !byScript[o.seat];
      })
      .concat(
        shown.filter(function (o) {
          return byScript[o.seat];
        })
      );
    var out = !!(state && state.ended && shown.length);
    var switched = out && !document.body.classList.contains("room-objectives-out");
    document.body.classList.toggle("room-objectives-out", out);
    if (!out) {
      return;
    }
    var part = el("section", "room-objectives");
    part.appendChild(el("h3", "", "Objectives, and whether each was met"));
    var roles = el("ul", "objective-roles");
    shown.forEach(function (o) {
      var each = el("ul", "objective-list");
      o.results.forEach(function (r) {
        var verdict = VERDICT[String(r.achieved)] || String(r.achieved);
        var line = el("li", "objective " + (r.achieved === true ? "met" : r.achieved === false ? "unmet" : ""), [
          el("strong", "verdict", verdict + ": "),
          r.text.replace(/\.$/, "") + " (" + r.kind + " objective).",
        ]);
        if (r.comment) {
          line.appendChild(el("span", "comment", " " + r.comment));
        }
        each.appendChild(line);
      });
      var name = el("h4", "", o.name);
      if (byScript[o.seat]) {
        name.appendChild(el("span", "by-script", " (played by the script)"));
      }
      roles.appendChild(el("li", byScript[o.seat] ? "objective-script" : "", [name, each]));
    });
    part.appendChild(roles);
    // after the ending's title, before its kind ("The historical outcome") and its text,
    // which are now below the objectives
    var kicker = box.querySelector(".kicker");
    box.insertBefore(part, kicker || box.firstChild);
    if (switched) {
      $("scene").scrollTop = 0;
    }
    settle();
  }

  function drawStatus() {
    var box = P.clear($("status-box"));
    if (state.status) {
      box.appendChild(el("h2", "", "State of play"));
      box.appendChild(P.statusList(state.status));
    }
  }

  /* The QR and the join address while a seat a student holds has no phone (or nothing is
     running yet): large until the class takes its first action, then smaller, beside what
     is open; once every such seat has a phone, or the game is over, only the address,
     small, at the foot. While the server is stopped no count is shown: none is known. */
  function drawJoin() {
    var counts = state.connected || { phones: 0, seats: 0 };
    var url = state.join_url || window.location.origin + "/";
    var joining = !state.over && !stopped && (!state.scene || P.phonesOn(counts) < counts.seats);
    P.show($("join"), joining);
    $("join").classList.toggle("join-compact", joining && !!state.actions);
    $("join-url").textContent = url;
    $("phones").textContent = P.phonesLine(counts, state.mode);
    $("foot-join").textContent = joining
      ? ""
      : "Join: " + url + (stopped ? "" : " (" + P.phonesLine(counts, state.mode) + ")");
  }

  refresh();
  stream.open();
})();

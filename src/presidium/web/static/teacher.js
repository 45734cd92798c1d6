/* The teacher's page: the console of `class run` on a second screen. Every button sends a
   console line to /api/teacher, exactly what the teacher could type; the roster, who has
   not voted, and what reached the teacher alone (notes, advice, arguments to rate). */
(function () {
  "use strict";

  var P = window.Presidium;
  var el = P.el;
  var $ = P.$;
  P.credentials = "teacher";

  var feed = new P.Feed($("feed"), 150, "teacher");
  var secrets = new P.Feed($("private-feed"), 150, "teacher");
  secrets.memory = feed.memory; // one memory of choices offered and names said
  var state = null;
  var stream = null;
  var fetching = false;
  var again = false;
  var stopped = false; // the server said goodbye
  var advice = {}; // decision's request id -> adviser's seat -> what they advise, in words
  var opened = {}; // request id -> the number of the event that last opened it

  // ------------------------------------------------------------------ the key
  function keyFromAddress() {
    var m = /(?:^#|&)key=([^&]*)/.exec(window.location.hash || "");
    if (!m) {
      return null;
    }
    // the key leaves the address bar (and the browser's history) at once
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    try {
      return decodeURIComponent(m[1]);
    } catch (e) {
      return m[1];
    }
  }

  function login(key) {
    P.teacherKey(key);
    $("login-error").textContent = "Opening…";
    return P.api("POST", "/api/teacher/login", { key: key }).then(function (answer) {
      if (answer.ok) {
        $("login-error").textContent = "";
        refresh();
      } else {
        P.teacherKey(null);
        showLogin(answer.status === 403 ? "That is not the teacher key: copy it again from the terminal." : P.problem(answer));
      }
    });
  }

  function showLogin(message) {
    if (stream) {
      stream.stop();
      stream = null;
    }
    P.show($("login"), true);
    P.show($("desk"), false);
    $("login-error").textContent = message || "";
    P.connection($("connection"), "signedout");
    // the page has no stream now: whether the server is stopped is no longer its to say
    // (it answered, so it is running; the login says what to do)
    P.show($("stopped"), false);
  }

  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var key = $("key").value.trim();
    $("key").value = "";
    if (key) {
      login(key);
    }
  });

  // ------------------------------------------------------------------ the state
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
      if (answer.ok && !P.sameClass(answer.data)) {
        return; // another class's page: it is loaded afresh
      }
      if (answer.status === 401 || answer.status === 403 || (answer.ok && answer.data.viewer !== "teacher")) {
        showLogin(P.teacherKey() ? "The key is no longer accepted: open the teacher link again." : "");
      } else if (answer.ok) {
        use(answer.data);
      }
      if (again) {
        again = false;
        refresh();
      }
    });
  }

  /* What 'reveal' has left to show, as the room's events say: the secret ballots whose
     totals only were shown, and the objectives until they are public. */
  var sealed = {}; // vote id -> true while only its totals are public
  var objectivesShown = false;
  function revealed(event) {
    if (event.type === "objectives") {
      objectivesShown = true;
    } else if (!event.ballots.length && !event.blocs.length) {
      sealed[event.vote] = true;
    } else {
      delete sealed[event.vote]; // revealed voter by voter
    }
    if (state && state.ended) {
      draw();
    }
  }

  function revealLeft() {
    var ballots = Object.keys(sealed).length > 0;
    var left = [ballots ? "the secret ballots" : "", objectivesShown ? "" : "the objectives"].filter(Boolean);
    return left.length ? " 'reveal' shows " + left.join(" and ") + "." : "";
  }

  function draw() {
    P.show($("login"), false);
    P.show($("desk"), true);
    if (!stream) {
      stream = new P.Stream({
        game: function (event, seq) {
          var node;
          if (event.to && event.to.length) {
            node = secrets.add(seq, event);
            feed.last = seq;
            if (node && event.type === "argued") {
              node.setAttribute("data-request", event.request);
              node.appendChild(rateButtons(event.request));
            }
            if (event.type === "advised") {
              adviceIn(event, node);
            }
          } else {
            node = feed.add(seq, event);
            secrets.last = seq;
          }
          if (event.type === "ballot_progress") {
            P.progressDrawn(state, event, drawRequests);
          }
          if (event.type === "request") {
            // a request opened (again, after an undo): advice given before was for an
            // earlier decision
            opened[event.request] = seq;
            advice[event.request] = {};
            settleAdvice(openIds());
          }
          if (!(event.to && event.to.length) && (event.type === "vote" || event.type === "objectives")) {
            revealed(event);
          }
        },
        presence: function (counts) {
          if (state) {
            state.connected = counts;
            drawPhones();
          }
          stream.soon(); // who is connected shows in the roster
        },
        state: function (given) {
          // the stream's state, or (none) a fetch; a stream whose key the server no longer
          // takes is the room's, and its state is not drawn here: the fetch signs the page out
          P.pushed(given && given.viewer === "teacher" ? given : null, use, refresh);
        },
        connection: function (how) {
          P.connection($("connection"), how);
          P.show($("stopped"), how === "stopped");
          stopped = how === "stopped";
          if (state) {
            drawPhones();
          }
        },
      });
      stream.open();
    }
    if (state.scenario && state.scenario.title) {
      $("scenario-title").textContent = state.scenario.title;
    }
    var paused = state.paused !== null && state.paused !== undefined;
    P.show($("pause"), !paused && !state.over);
    P.show($("resume"), paused);
    P.show($("conclude"), !state.over);
    P.show($("paused"), paused);
    if (paused) {
      $("paused").textContent = "Paused" + (state.paused ? ": " + state.paused : "") + ". No student's action is taken until you resume.";
    }
    var scene = state.scene;
    $("scene-line").textContent = scene
      ? "Scene: " + scene.title + (P.where(scene) ? " (" + P.where(scene) + ")" : "")
      : "";
    if (state.ended) {
      // the ending's title can be the scenario's own: said as the outcome it is
      var outcome = state.ended.kind === "historical" ? "the historical outcome" : "a counterfactual outcome";
      $("scene-line").textContent = "The game has ended in " + outcome + ", \u201c" + state.ended.title + "\u201d." + revealLeft();
    }
    drawRequests(paused);
    drawRoster();
    drawDevices();
    drawPhones();
    $("join-url").textContent = state.join_url || window.location.origin + "/";
    var box = P.clear($("status-box"));
    if (state.status) {
      box.appendChild(P.statusList(state.status));
    }
    settleRatings();
    settleAdvice(openIds());
  }

  // ------------------------------------------------------------------ commands
  /* Send one console line; what the console says back goes under the command line. */
  function command(line, button) {
    if (button) {
      button.disabled = true;
    }
    var out = $("console-out");
    var item = el("li", "console-item", el("p", "console-line", "teacher> " + line));
    out.appendChild(item);
    while (out.children.length > 40) {
      out.removeChild(out.firstChild);
    }
    return P.api("POST", "/api/teacher", { line: line }).then(function (answer) {
      var asking = null; // the button that confirms a 'reveal'
      if (button) {
        button.disabled = false;
      }
      if (answer.status === 403 || answer.status === 401) {
        showLogin("The key is no longer accepted: open the teacher link again.");
        return;
      }
      if (answer.ok) {
        var said = answer.data.said || [];
        var confirm = answer.data.confirm;
        // a 'reveal' not yet confirmed: what would become public, then a button that
        // confirms it (its last line, "Type 'reveal yes'", is for the keyboard)
        (confirm ? said.slice(0, -1) : said).forEach(function (text) {
          item.appendChild(el("p", "console-said", text));
        });
        if (confirm) {
          asking = item.appendChild(confirmRow(confirm));
        } else if (!said.length) {
          item.appendChild(el("p", "console-said hint", "Done."));
        }
      } else {
        item.appendChild(el("p", "error", P.problem(answer)));
      }
      var scroller = out;
      scroller.scrollTop = scroller.scrollHeight; // the newest answer at the bottom
      // an answer taller than the box is read from its start: its line at the box's top
      var above = item.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
      if (above < 0) {
        scroller.scrollTop += above;
      }
      if (asking) {
        asking.scrollIntoView({ block: "nearest" }); // pressed at the top of the page
      }
      refresh();
    });
  }

  /* The confirm step of 'reveal' on this page: "Reveal it to the room" sends the line that
     confirms it ('reveal yes'), once; nothing is public until it is pressed. */
  function confirmRow(line) {
    var row = el("div", "actions confirm-row");
    row.appendChild(el("p", "console-said hint", "It cannot be taken back."));
    var b = el("button", "act danger", "Reveal it to the room");
    b.type = "button";
    b.addEventListener("click", function () {
      row.replaceChild(el("p", "console-said hint", "Revealed: see below."), b);
      command(line);
    });
    row.appendChild(b);
    return row;
  }

  function actionButton(text, line, cls, ask) {
    var b = el("button", "act " + (cls || ""), text);
    b.type = "button";
    b.addEventListener("click", function () {
      if (ask && !window.confirm(ask)) {
        return;
      }
      command(typeof line === "function" ? line() : line, b);
    });
    return b;
  }

  $("console-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var line = $("line").value.trim();
    if (line) {
      $("line").value = "";
      command(line);
    }
  });
  $("pause").addEventListener("click", function () {
    command("pause", $("pause"));
  });
  $("resume").addEventListener("click", function () {
    command("resume", $("resume"));
  });
  $("reveal").addEventListener("click", function () {
    command("reveal", $("reveal"));
  });
  $("conclude").addEventListener("click", function () {
    if (window.confirm("Conclude: the script plays every seat on to an ending. Go on?")) {
      command("conclude", $("conclude"));
    }
  });

  // ------------------------------------------------------------------ requests
  function drawRequests(paused) {
    var list = P.clear($("request-list"));
    var requests = state.requests || [];
    P.show($("nothing"), requests.length === 0);
    requests.forEach(function (r) {
      var card = el("article", "teacher-request request-" + r.kind);
      card.appendChild(el("h3", "", P.requestLine(r)));
      var timed = r.remaining_ms !== null && r.remaining_ms !== undefined;
      if (timed) {
        card.appendChild(P.countdown(r, paused));
      }
      if (r.kind === "ballot") {
        if (P.BALLOT_KINDS[r.ballot]) {
          card.appendChild(el("p", "hint", P.BALLOT_KINDS[r.ballot]));
        }
        card.appendChild(el("p", "progress", progress(r)));
      } else if (r.voters && r.voters.length) {
        card.appendChild(el("p", "hint", (r.kind === "floor" ? "On the floor: " : "Roles: ") + r.voters.join(", ") + "."));
      }
      if (r.kind === "decision" && r.of) {
        card.appendChild(el("p", "progress", r.count + " of " + r.of + " hands raised."));
      }
      var advised = advice[r.request] || {};
      Object.keys(advised).forEach(function (seat) {
        card.appendChild(el("p", "advice", "Advice in: " + advised[seat]));
      });
      if (r.kind === "rating" && r.argument) {
        card.appendChild(argumentShown(r.argument));
      }
      var row = el("div", "actions");
      if (r.kind === "rating") {
        row.appendChild(rateButtons(r.request));
      } else {
        // the console's own name for it ('close floor'), as the laptop echoes the line
        var name = r.name || r.request;
        row.appendChild(actionButton("Close now", "close " + name));
        if (timed) {
          row.appendChild(actionButton("+1 minute", "time " + name + " +1m"));
        }
        card.appendChild(el("p", "hint countdown-rule", countdownRule(r, timed, name)));
      }
      card.appendChild(row);
      list.appendChild(card);
    });
    P.resetCountdowns();
  }

  /* The argument to rate, on its card in "Now": its words, and where the one it is put to
     stands now (and which way a success moves them), so the teacher rates what they read. */
  function argumentShown(argument) {
    var box = el("div", "argument");
    box.appendChild(el("blockquote", "argument-text", argument.text));
    if (argument.stance) {
      var line = argument.target + "'s stance now: " + argument.stance + ".";
      if (argument.towards && argument.towards !== argument.stance) {
        line += " A success (the rating sets its chance) moves it one step towards " + argument.towards + ".";
      } else if (argument.towards) {
        line += " That is where the argument pulls already.";
      }
      box.appendChild(el("p", "hint argument-stance", line));
    }
    return box;
  }

  /* What a request's countdown does, or that it has none: "+1 minute" on a request with no
     countdown would start one, and when it ran out the script would decide for the student,
     so the card says so instead, with the line that starts one. */
  function countdownRule(r, timed, name) {
    var end = r.runs_out ? r.runs_out + "." : "it closes.";
    if (timed) {
      return "When the countdown runs out, " + end;
    }
    return (
      "No countdown: it waits until it is answered, or until you close it. To give it one, " +
      "type 'time " + name + " 3m' in the Console; when a countdown runs out, " + end
    );
  }

  /* Who has voted and who has not; for a secret ballot the names too, if the server gives
     them to the teacher, else the count. */
  function progress(r) {
    if (r.voted === null || r.voted === undefined) {
      return r.count + " of " + r.of + " have voted.";
    }
    var waiting = r.waiting
      ? r.waiting
      : (r.voters || []).filter(function (name) {
          return r.voted.indexOf(name) < 0;
        });
    var line = r.count + " of " + r.of + " have voted";
    line += r.voted.length ? ": " + r.voted.join(", ") + "." : ".";
    if (waiting.length) {
      line += " Not yet: " + waiting.join(", ") + ".";
    }
    return line;
  }

  function rateButtons(request) {
    var row = el("div", "rate");
    row.appendChild(el("span", "rate-label", "Rate it:"));
    [1, 2, 3, 4, 5].forEach(function (n) {
      var b = actionButton(String(n), "rate " + request + " " + n, "rate-button");
      b.setAttribute("aria-label", "Rate " + n + " of 5" + (n === 1 ? " (weak)" : n === 5 ? " (strong)" : ""));
      row.appendChild(b);
    });
    return row;
  }

  function openIds() {
    return ((state && state.requests) || []).map(function (r) {
      return r.request;
    });
  }

  /* Arguments in the private feed whose rating is no longer open lose their buttons. */
  function settleRatings() {
    var open = openIds();
    Array.prototype.forEach.call($("private-feed").querySelectorAll("[data-request]"), function (node) {
      if (open.indexOf(node.getAttribute("data-request")) < 0) {
        var buttons = node.querySelector(".rate");
        if (buttons) {
          node.replaceChild(el("p", "hint", "Rated (or no longer open)."), buttons);
        }
        node.removeAttribute("data-request");
      }
    });
  }

  // ------------------------------------------------------------------ advice
  /* An adviser's advice: on the open decision's card in "Now" (the latest from each
     adviser), and in "For your eyes only", headed with the decision it is for (the feed's
     words); once that decision is taken, the entry there says it was for an earlier one. */
  function adviceIn(event, node) {
    advice[event.request] = advice[event.request] || {};
    advice[event.request][event.seat] = event.name + " advises: " + event.label + ".";
    if (node) {
      node.setAttribute("data-advice", event.request);
      node.setAttribute("data-opened", String(opened[event.request]));
    }
    if (state) {
      settleAdvice(openIds()); // a reload's replay: advice for decisions long taken
      drawRequests(state.paused !== null && state.paused !== undefined);
    }
  }

  /* Advice in the private feed for a decision no longer open (``open``: the open requests'
     ids) is marked as for an earlier decision, and dimmed; the open one's stays as it is. */
  function settleAdvice(open) {
    Array.prototype.forEach.call($("private-feed").querySelectorAll("[data-advice]"), function (node) {
      var request = node.getAttribute("data-advice");
      if (open.indexOf(request) >= 0 && node.getAttribute("data-opened") === String(opened[request])) {
        return;
      }
      node.removeAttribute("data-advice");
      node.classList.add("superseded", "advice-earlier");
      node.appendChild(el("p", "hint superseded-note", "For an earlier decision, now taken."));
    });
  }

  // ------------------------------------------------------------------ the roster
  function drawRoster() {
    var body = P.clear($("roster"));
    (state.roster || []).forEach(function (row) {
      var role = row.seat.indexOf("bench:") === 0 ? row.seat.slice(6) : row.seat;
      var name = el("td", "", [el("strong", "", row.name), el("br"), el("span", "hint", role)]);
      if (row.label) {
        name.appendChild(el("br"));
        name.appendChild(el("span", "label", "Label: " + row.label));
      }
      // on a phone the rows stack, each cell with its column's name (style.css)
      var code = el("td", "code-cell", [
        el("span", "cell-label", "Join code: "),
        row.code ? row.code : row.claimed ? "claimed" : "none: reseat",
      ]);
      var now = el("td", "now-cell", [
        el("span", row.connected ? "on" : "off", row.connected ? "connected" : "not connected"),
        el("br"),
        el("span", "hint", row.scripted ? "played by the script" : row.claimed ? "played by a student" : "not joined yet"),
      ]);
      var actions = el("td", "actions");
      if (row.scripted) {
        actions.appendChild(actionButton("Seat", "seat " + role, "small"));
      } else {
        actions.appendChild(actionButton("Script", "script " + role, "small"));
      }
      actions.appendChild(
        actionButton("Reseat", "reseat " + role, "small", "Reseat " + row.name + ": a new join code, and the phone holding it now is signed out. Go on?")
      );
      var tr = el("tr", row.connected ? "" : "offline", [name, code, now, actions]);
      body.appendChild(tr);
    });
  }

  /* Phones that have no code show a tag; the teacher picks the role ('assign TAG ROLE').
     Drawn again only when the tags or the roster change, so a half-made choice stays. */
  var devicesSig = null;
  function drawDevices() {
    var tags = state.waiting || [];
    P.show($("devices"), tags.length > 0);
    var roster = state.roster || [];
    var sig = JSON.stringify([tags, roster.map(function (r) {
      return [r.seat, r.claimed];
    })]);
    if (sig === devicesSig) {
      return;
    }
    devicesSig = sig;
    var list = P.clear($("device-list"));
    var seats = roster.slice().sort(function (a, b) {
      return (a.claimed ? 1 : 0) - (b.claimed ? 1 : 0);
    });
    tags.forEach(function (tag) {
      var select = el("select", "target");
      select.id = "assign-" + tag;
      var none = el("option", "", "Choose a role…");
      none.value = "";
      select.appendChild(none);
      seats.forEach(function (row) {
        var role = row.seat.indexOf("bench:") === 0 ? row.seat.slice(6) : row.seat;
        var option = el("option", "", row.name + (row.claimed ? " (has a phone)" : ""));
        option.value = role;
        select.appendChild(option);
      });
      var label = el("label", "visually-hidden", "The role for the phone showing " + tag);
      label.htmlFor = select.id;
      var button = actionButton("Assign", function () {
        return "assign " + tag + " " + select.value;
      });
      button.disabled = true;
      select.addEventListener("change", function () {
        button.disabled = !select.value;
      });
      list.appendChild(el("li", "device-row", [el("span", "device-tag", tag), label, select, button]));
    });
  }

  function drawPhones() {
    var counts = state.connected || { phones: 0, seats: 0 };
    $("phones").textContent = stopped
      ? "No phone is connected while the server is stopped."
      : P.phonesLine(counts, state.mode) + ".";
  }

  // ------------------------------------------------------------------ start
  // The stream says 'state' when something changes with no game event; a slow look now and
  // then as well, in case a server does not (who is connected shows in the roster).
  window.setInterval(function () {
    if (stream && document.visibilityState === "visible") {
      refresh();
    }
  }, 10000);

  var key = keyFromAddress();
  if (key) {
    login(key);
  } else {
    refresh();
  }
  // the teacher link opened again in this tab (the page asks for that when the key is no
  // longer accepted): only the address's #key changes, and the page is not loaded again
  window.addEventListener("hashchange", function () {
    var given = keyFromAddress();
    if (given) {
      login(given);
    }
  });
})();

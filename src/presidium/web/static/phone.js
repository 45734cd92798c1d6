/* The phone page: join with the code on the role sheet, then the role, what it knows, and
   what it can do now (a decision, a ballot, the floor), with what happened below. The
   server's /api/state is the truth for what the seat may do; the stream is the feed. */
(function () {
  "use strict";

  var P = window.Presidium;
  var el = P.el;
  var $ = P.$;
  P.credentials = "seat";

  var feed = new P.Feed($("feed"), 60, "seat");
  var stream = null;
  var cards = {}; // request id -> {sig, node, timer}
  var drafts = {}; // text typed into a card, kept while the card is drawn again
  var said = {}; // request id -> what this phone last did there, in words
  var picks = {}; // request id -> the choice this phone advised or raised a hand for
  var advice = {}; // request id -> {adviser seat: what they advise}, for the one who decides
  var NOTHING_WAITING = $("nothing").textContent; // the page's words when nothing is open
  var PAUSED_LINE = "Paused: nothing can be taken until the teacher resumes the game.";
  var seenRequests = null; // request ids already announced
  var seenEnvelopes = null;
  var arrived = {}; // envelope number -> when it arrived on this page
  var lastState = null;
  var objectivesShown = false; // every role's objectives are public (the teacher's 'reveal')
  var ownObjectives = false; // this role's own objectives, and how it did, are in the feed
  var liveAfter = 0; // events up to this number were there before the page opened: not announced
  var fetching = false;
  var again = false;
  var stopped = false; // the teacher stopped the server: nothing can be sent until it is back

  // ------------------------------------------------------------------ joining
  function showJoin(message) {
    stopWaiting();
    P.show($("join"), true);
    P.show($("device"), false);
    P.show($("game"), false);
    $("join-error").textContent = message || "";
    P.connection($("connection"), "notjoined");
    window.setTimeout(function () {
      $("code").focus();
    }, 0);
  }

  function signedOut(message) {
    if (stream) {
      stream.stop();
      stream = null;
    }
    P.seatToken(null);
    resetGame();
    showJoin(message);
  }

  function resetGame() {
    cards = {};
    drafts = {};
    said = {};
    picks = {};
    advice = {};
    seenRequests = null;
    seenEnvelopes = null;
    lastState = null;
    speakSig = null;
    floorWas = false;
    P.clear($("request-list"));
    P.clear($("feed"));
    feed = new P.Feed($("feed"), 60, "seat");
  }

  // ------------------------------------------------------------------ a phone with no code
  /* The phone shows a two-character tag; the teacher types 'assign TAG ROLE'. Until then the
     page asks the server every 3 seconds whether it has a role yet. */
  var waiting = null;
  function showDevice(tag) {
    P.show($("join"), false);
    P.show($("game"), false);
    P.show($("device"), true);
    if ($("device-tag").textContent !== tag) {
      $("device-tag").textContent = tag;
    }
    P.connection($("connection"), "waiting");
    if (!waiting) {
      waiting = window.setInterval(refresh, 3000);
    }
  }
  function stopWaiting() {
    if (waiting) {
      window.clearInterval(waiting);
      waiting = null;
    }
  }

  $("no-code").addEventListener("click", function () {
    var button = $("no-code");
    button.disabled = true;
    $("no-code-error").textContent = "";
    P.api("POST", "/api/device").then(function (answer) {
      button.disabled = false;
      if (answer.ok && answer.data.token) {
        P.seatToken(answer.data.token);
        showDevice(answer.data.device);
      } else {
        $("no-code-error").textContent = P.problem(answer);
      }
    });
  });

  $("device-back").addEventListener("click", function (event) {
    event.preventDefault();
    stopWaiting();
    P.api("POST", "/api/leave").then(function () {
      P.seatToken(null);
      showJoin("");
    });
  });

  $("join-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("code").value.trim();
    if (!code) {
      $("join-error").textContent = "Type the code from your role sheet first.";
      return;
    }
    var button = $("join-button");
    button.disabled = true;
    $("join-error").textContent = "Joining…";
    P.api("POST", "/api/join", { code: code }).then(function (answer) {
      button.disabled = false;
      if (answer.ok && answer.data.token) {
        P.seatToken(answer.data.token);
        $("join-error").textContent = "";
        $("code").value = "";
        refresh();
        return;
      }
      if (answer.status === 404 && !answer.data.error) {
        $("join-error").textContent = "That code is not right: check it against your role sheet.";
      } else {
        $("join-error").textContent = P.problem(answer);
      }
    });
  });

  $("leave").addEventListener("click", function (event) {
    event.preventDefault();
    if (!window.confirm("Leave this role on this phone? To come back you need your code, or a new one from the teacher.")) {
      return;
    }
    P.api("POST", "/api/leave").then(function () {
      signedOut("You have left the role on this phone. To come back, type your code again.");
    });
  });

  // ------------------------------------------------------------------ the state
  function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    P.api("GET", "/api/state").then(function (answer) {
      fetching = false;
      if (answer.ok && answer.data.viewer === "device") {
        showDevice(answer.data.device);
      } else if (answer.status === 401 || answer.status === 403 || (answer.ok && answer.data.viewer !== "seat")) {
        var had = P.seatToken() || lastState;
        signedOut(had ? "This phone is no longer signed in to a role (the teacher may have given the role a new code). Type your code again." : "");
      } else if (answer.ok) {
        draw(answer.data);
      }
      if (again) {
        again = false;
        refresh();
      }
    });
  }

  function draw(state) {
    if (P.older(state, lastState)) {
      return; // a fetch answered after a newer state came in the stream
    }
    var first = lastState === null;
    if (first) {
      liveAfter = state.seq || 0;
    }
    lastState = state;
    stopWaiting();
    P.show($("join"), false);
    P.show($("device"), false);
    P.show($("game"), true);
    if (state.scenario && state.scenario.title) {
      $("scenario-title").textContent = state.scenario.title;
    }
    if (!stream) {
      stream = new P.Stream({
        game: function (event, seq) {
          var node = feed.add(seq, event);
          if (event.type === "objectives" && !(event.to && event.to.length) && !objectivesShown) {
            objectivesShown = true; // the teacher revealed them: the ending's card says so
            if (lastState) {
              drawEnded(lastState);
            }
          } else if (event.type === "objectives" && event.to && event.to.length && !ownObjectives) {
            ownObjectives = true; // this role's own result, for this phone alone
            if (lastState) {
              drawEnded(lastState);
            }
          }
          if (event.type === "advised" && event.seat === feed.me && isOpen(event.request)) {
            // this phone's own advice, as the game took it: the card says so and marks the
            // choice (drawn from the event, so a reload or a second phone says it too)
            picks[event.request] = event.choice;
            said[event.request] = "Your advice is given: " + event.label + ". You can advise again until the decision is taken.";
          }
          if (event.type === "advised" && event.seat !== feed.me) {
            advice[event.request] = advice[event.request] || {};
            advice[event.request][event.seat] = event.name + " advises: " + event.label + ".";
            if (seq > liveAfter) {
              P.announce($("announce"), advice[event.request][event.seat]);
            }
          }
          if (event.type === "ballot_progress" && lastState) {
            P.progressed(lastState, event);
            var card = cards[event.request];
            var counted = card && card.node.querySelector(".vote-count");
            if (counted) {
              counted.textContent = event.count + " of " + event.of + " have voted.";
            }
          }
          if (event.type === "advised" && lastState) {
            drawRequests(lastState, false); // the one who decides sees the advice on the card
          }
          if (node && event.type === "ballot_received" && seq > liveAfter) {
            P.announce($("announce"), node.textContent);
          }
        },
        state: function (given) {
          P.pushed(given && given.viewer === "seat" ? given : null, draw, refresh);
        },
        connection: function (how) {
          P.connection($("connection"), how);
          stopped = how === "stopped";
          P.show($("stopped"), stopped);
          holdActions();
          if (how === "connected") {
            reconnected();
          }
        },
      });
      stream.open();
    }
    drawRole(state.seat, first);
    drawKnowledge(state.seat, first);
    drawScene(state);
    drawPaused(state);
    drawRequests(state, first);
    drawSpeak(state);
    drawEnded(state);
    holdActions();
  }

  /* While the server is stopped, every button that would send something is disabled (a tap
     could only fail, and the failure would blame the Wi-Fi); when the stream is back, the
     same buttons work again, with no reload. */
  function holdActions() {
    var buttons = document.querySelectorAll("#request-list button, #speak-body button, #note-form button");
    Array.prototype.forEach.call(buttons, function (b) {
      if (stopped) {
        b.disabled = true;
        b.setAttribute("data-stopped", "1");
      } else if (b.getAttribute("data-stopped") === "1") {
        b.removeAttribute("data-stopped");
        b.disabled = b.getAttribute("data-off") === "1";
      }
    });
    // said on each card too: the buttons may be far below the notice at the top
    Array.prototype.forEach.call(document.querySelectorAll("#request-list .request"), function (card) {
      var line = card.querySelector(".stopped-line");
      if (stopped && !line) {
        var slot = card.querySelector(".timer-slot");
        card.insertBefore(el("p", "hint stopped-line", "The teacher has stopped the class. This page reconnects by itself when it resumes."), slot.nextSibling);
      } else if (!stopped && line) {
        card.removeChild(line);
      }
    });
  }

  function drawRole(seat, first) {
    if (!first) {
      return; // a role sheet does not change during a game
    }
    feed.me = seat.seat;
    $("role-name").textContent = seat.name;
    $("role-side").textContent = seat.side ? "Side: " + seat.side : "";
    P.clear($("role-brief"));
    P.append($("role-brief"), P.paragraphs(seat.brief));
    var list = P.clear($("objective-list"));
    (seat.objectives || []).forEach(function (text) {
      list.appendChild(el("li", "", typeof text === "string" ? text : text.text));
    });
    P.show($("objectives"), (seat.objectives || []).length > 0);
  }

  function knowledge(item, cls, tag) {
    var box = el("article", "known " + (cls || ""));
    if (tag) {
      box.appendChild(el("p", "tag", tag));
    }
    P.append(box, P.paragraphs((item.counterfactual ? "[Counterfactual] " : "") + item.text));
    if (P.sources(item.sources)) {
      box.appendChild(el("p", "sources", P.sources(item.sources)));
    }
    return box;
  }

  function drawKnowledge(seat, first) {
    if (first) {
      var knows = P.clear($("knows"));
      (seat.knows || []).forEach(function (item) {
        knows.appendChild(knowledge(item));
      });
      if (!(seat.knows || []).length) {
        knows.appendChild(el("p", "hint", "Nothing private from the start: your envelopes arrive as the scenes do."));
      }
    }
    var revealed = seat.revealed || [];
    var numbers = revealed.map(function (r) {
      return r.envelope;
    });
    var now = performance.now();
    if (seenEnvelopes !== null) {
      revealed.forEach(function (r) {
        if (seenEnvelopes.indexOf(r.envelope) < 0) {
          arrived[r.envelope] = now;
          P.announce($("announce"), "A new envelope has arrived: envelope " + r.envelope + ".");
        }
      });
    }
    var changed = seenEnvelopes === null || seenEnvelopes.join() !== numbers.join();
    seenEnvelopes = numbers;
    if (!changed) {
      return;
    }
    var box = P.clear($("envelopes"));
    P.show($("envelopes-head"), revealed.length > 0);
    revealed
      .slice()
      .reverse()
      .forEach(function (r) {
        var fresh = arrived[r.envelope] !== undefined;
        var node = knowledge(r, fresh ? "fresh" : "", "Envelope " + r.envelope + (fresh ? ": new" : ""));
        box.appendChild(node);
        if (fresh) {
          window.setTimeout(function () {
            node.classList.remove("fresh");
            node.firstChild.textContent = "Envelope " + r.envelope;
          }, 120000);
        }
      });
  }

  function drawScene(state) {
    var scene = state.scene;
    P.show($("scene"), !!scene);
    if (!scene) {
      return;
    }
    var title = (scene.counterfactual ? "[Counterfactual] " : "") + scene.title;
    if ($("scene-title").textContent !== title) {
      $("scene-title").textContent = title;
      $("scene-where").textContent = P.where(scene);
      P.clear($("scene-text"));
      if (scene.content_note) {
        $("scene-text").appendChild(el("p", "hint", "Content note: " + scene.content_note));
      }
      P.append($("scene-text"), P.paragraphs(scene.text));
    }
    P.clear($("status-box"));
    if (state.status) {
      $("status-box").appendChild(el("h3", "", "State of play"));
      $("status-box").appendChild(P.statusList(state.status));
    }
  }

  function drawPaused(state) {
    var node = $("paused");
    if (state.paused !== null && state.paused !== undefined) {
      var reason = String(state.paused).trim().replace(/\.$/, "");
      node.textContent =
        "Paused by the teacher" + (reason ? ": " + reason : "") + ". No one acts until the teacher resumes the game.";
      P.show(node, true);
    } else {
      P.show(node, false);
    }
  }

  function drawEnded(state) {
    var box = $("ended");
    if (P.drawEnded(box, state.ended, true)) {
      box.appendChild(el("p", "hint objectives-hint", ""));
    }
    var hint = box.querySelector(".objectives-hint");
    if (hint) {
      // one account with the feed: this role's own result is there already (only this
      // phone sees it); everyone's comes when the teacher reveals them
      hint.textContent = objectivesShown
        ? "Every role's objectives, and whether each was met, are in the feed below."
        : ownObjectives
          ? "Your own objectives, and how you did, are in the feed below: only you see them. The teacher may reveal every role's to the whole room."
          : "Every role's objectives, and whether each was met, are in the feed below once the teacher reveals them.";
    }
  }


  // ------------------------------------------------------------------ requests
  /* A ballot's progress, from its event, into the state last fetched. */


  /* Whether a request is open now, in the state last drawn. */
  function isOpen(id) {
    return (lastState && lastState.requests ? lastState.requests : []).some(function (r) {
      return r.request === id;
    });
  }

  function drawRequests(state, first) {
    var list = $("request-list");
    var mine = (state.requests || []).filter(function (r) {
      return r.mine;
    });
    var ids = mine.map(function (r) {
      return r.request;
    });
    if (state["class"]) {
      handsClass = state["class"];
      handsStillOpen(mine);
    }
    Object.keys(cards).forEach(function (id) {
      if (ids.indexOf(id) < 0) {
        list.removeChild(cards[id].node);
        delete cards[id];
        delete said[id];
      }
    });
    var paused = state.paused !== null && state.paused !== undefined;
    mine.forEach(function (request) {
      var copy = JSON.parse(JSON.stringify(request));
      // who has voted changes as others vote: drawn in place, not by redrawing the card
      // (a student typing a 'why' keeps the field and its focus)
      ["remaining_ms", "voted", "waiting", "count", "of"].forEach(function (name) {
        delete copy[name];
      });
      var sig = JSON.stringify([copy, paused, said[request.request], advice[request.request]]);
      var card = cards[request.request];
      if (!card || card.sig !== sig) {
        var node = requestCard(request, paused);
        if (card) {
          list.replaceChild(node, card.node);
        } else {
          list.appendChild(node);
        }
        card = cards[request.request] = { sig: sig, node: node };
      }
      var counted = card.node.querySelector(".vote-count");
      if (counted && request.of) {
        var counts = request.mine.do === "hands" ? " hands raised." : " have voted.";
        counted.textContent = request.count + " of " + request.of + counts;
      }
      var timer = card.node.querySelector(".timer-slot");
      P.clear(timer);
      if (request.remaining_ms !== null && request.remaining_ms !== undefined) {
        timer.appendChild(P.countdown(request, paused));
      }
    });
    var order = urgentFirst(mine);
    var drawn = Array.prototype.slice.call(list.children);
    var wanted = order.map(function (r) {
      return cards[r.request].node;
    });
    if (
      wanted.some(function (node, n) {
        return drawn[n] !== node;
      })
    ) {
      wanted.forEach(function (node) {
        list.appendChild(node); // moved, not made again: a half-typed 'why' stays
      });
    }
    drawIndex(order, paused);
    P.resetCountdowns();
    P.show($("nothing"), mine.length === 0 && !state.over);
    // once the game is over nothing more can be done: the heading goes with its list, and
    // the ending's card, just below, says the game is over
    P.show($("requests"), mine.length > 0 || !state.over);
    $("nothing").textContent = state.scripted
      ? "The game's script plays your role for now, so nothing waits for you. Ask the teacher to give the role back to you; until then, watch the projector."
      : floorOpen(state) && speakable(state)
        ? floorLine(state)
        : NOTHING_WAITING;
    if (seenRequests !== null) {
      mine.forEach(function (r) {
        if (seenRequests.indexOf(r.request) < 0) {
          P.announce($("announce"), "New for you: " + P.requestLine(r) + ".");
        }
      });
    }
    seenRequests = ids;
    if (first && mine.length) {
      P.announce($("announce"), "Waiting for you: " + mine.map(P.requestLine).join("; ") + ".");
    }
  }

  /* What closes on its own comes first, the soonest first; then the rest, in the server's
     order: a countdown is never below a card that waits for the student. */
  function urgentFirst(requests) {
    function left(r) {
      return r.remaining_ms === null || r.remaining_ms === undefined ? Infinity : r.remaining_ms;
    }
    return requests
      .map(function (r, n) {
        return { r: r, n: n };
      })
      .sort(function (a, b) {
        var x = left(a.r);
        var y = left(b.r);
        return x === y ? a.n - b.n : x < y ? -1 : 1;
      })
      .map(function (pair) {
        return pair.r;
      });
  }

  /* With more than one thing open, a short list at the top says so, each with its
     countdown, and takes the student to it: the second card may be far below the fold. */
  function drawIndex(order, paused) {
    var index = P.clear($("request-index"));
    P.show(index, order.length > 1);
    if (order.length < 2) {
      return;
    }
    index.appendChild(el("p", "index-head", order.length + " things are open for you:"));
    var list = el("ol", "index-list");
    order.forEach(function (r) {
      var link = el("a", "", P.requestLine(r));
      link.href = "#card-" + safeId(r.request);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var card = cards[r.request] && cards[r.request].node;
        if (card) {
          card.scrollIntoView({ block: "start" });
          card.focus({ preventScroll: true });
        }
      });
      var item = el("li", "", link);
      if (r.remaining_ms !== null && r.remaining_ms !== undefined) {
        item.appendChild(P.countdown(r, paused));
      }
      list.appendChild(item);
    });
    index.appendChild(list);
  }

  function requestCard(request, paused) {
    var mine = request.mine;
    var card = el("article", "card request request-" + request.kind);
    card.id = "card-" + safeId(request.request);
    card.tabIndex = -1;
    card.setAttribute("aria-labelledby", "req-" + safeId(request.request));
    var head = el("h3", "", P.requestLine(request));
    head.id = "req-" + safeId(request.request);
    card.appendChild(head);
    card.appendChild(el("div", "timer-slot"));
    if (paused) {
      card.appendChild(el("p", "hint paused-line", PAUSED_LINE));
    }
    var error = el("p", "error", "");
    error.setAttribute("role", "alert");
    var body;
    if (mine.do === "choose" || mine.do === "advise" || mine.do === "hands") {
      body = decision(request, error);
    } else if (mine.do === "cast") {
      body = ballot(request, error);
    } else if (mine.do === "move") {
      body = floor(request, error);
    } else {
      body = el("p", "hint", "Your teacher will say what to do here.");
    }
    card.appendChild(body);
    if (paused) {
      Array.prototype.forEach.call(body.querySelectorAll("button"), function (b) {
        b.disabled = true;
        b.setAttribute("data-off", "1");
      });
    }
    if (said[request.request]) {
      card.appendChild(el("p", "said", said[request.request]));
    }
    card.appendChild(error);
    return card;
  }

  function safeId(text) {
    return String(text).replace(/[^A-Za-z0-9_-]/g, "_");
  }

  /* Send an action from a card; while it is on its way the card's buttons wait. */
  function send(card, error, body, done) {
    if (stopped) {
      return Promise.resolve();
    }
    var buttons = card.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) {
      b.disabled = true;
    });
    tell(error, "Sending…");
    return P.act(body).then(function (answer) {
      Array.prototype.forEach.call(buttons, function (b) {
        b.disabled = b.getAttribute("data-off") === "1";
      });
      holdActions(); // the server may have stopped while it was on its way
      if (answer.status === 401) {
        signedOut("This phone is no longer signed in to a role. Type your code again.");
        return;
      }
      if (!answer.ok) {
        if (stopped) {
          tell(error, "Not taken: the teacher has stopped the class. Try again when it resumes.", AGAIN);
        } else {
          tell(error, "Not taken: " + P.problem(answer), answer.status === 0 ? AGAIN : null);
        }
        return;
      }
      tell(error, "");
      if (done) {
        done();
      }
      if (body.do === "hands" && lastState) {
        // a raised hand makes no event (hands are counted when the decision closes): draw
        // it here; every other action's news comes in the stream, with the seat's new state
        drawRequests(lastState, false);
      }
    });
  }

  /* A line under what was tapped. One that blames the connection (the Wi-Fi, a stopped
     server) is replaced by ``again`` once the stream is back: the page says "Connected",
     and the line must not go on saying that the server cannot be reached. What the
     student typed stays in its box. */
  var AGAIN = "Connected again. That was not sent: tap it again to send it.";
  function tell(line, text, again) {
    line.textContent = text;
    if (again) {
      line.setAttribute("data-again", again);
    } else {
      line.removeAttribute("data-again");
    }
  }

  function reconnected() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-again]"), function (line) {
      line.textContent = line.getAttribute("data-again");
      line.removeAttribute("data-again");
    });
  }

  function bigButton(text, cls) {
    var b = el("button", "big " + (cls || ""), text);
    b.type = "button";
    return b;
  }

  /* A raised hand is this device's own (the seat's state is every phone of the bench's),
     so the page keeps it in the tab's session storage: a reload marks it again. Only this
     class's (the state's ``class``), and only for a decision still open. */
  var handsClass = null;
  function handsKept() {
    var kept = null;
    try {
      kept = JSON.parse(P.keptHands() || "null");
    } catch (e) {
      /* unreadable: none kept */
    }
    return kept && handsClass && kept["class"] === handsClass && kept.hands ? kept.hands : {};
  }
  function keepHands(hands) {
    if (handsClass) {
      P.keptHands(JSON.stringify({ class: handsClass, hands: hands }));
    }
  }
  /* Only the hands kept for the decisions open now stay kept (the others are counted). */
  function handsStillOpen(open) {
    var kept = handsKept();
    var left = {};
    open.forEach(function (request) {
      if (kept[request.request] !== undefined) {
        left[request.request] = kept[request.request];
      }
    });
    keepHands(left);
  }

  /* This phone's hand is up for ``option``: marked, and said under the choices. */
  function handUp(request, option) {
    picks[request.request] = option.id;
    said[request.request] = "Your hand is up for: " + option.label + ". You can change it until the hands are counted.";
  }

  function decision(request, error) {
    var mine = request.mine;
    if (mine.do === "hands" && picks[request.request] === undefined) {
      var kept = handsKept()[request.request];
      (mine.options || []).forEach(function (option) {
        if (option.id === kept) {
          handUp(request, option);
        }
      });
    }
    var box = el("div", "choices");
    var intro = {
      choose: "Your decision: tap a choice.",
      advise: "Your advice to the one who decides: tap a choice (only they and the teacher see it).",
      hands: "Your hand: tap the choice you vote for; the bench decides once every hand is up, or when the teacher closes it.",
    }[mine.do];
    box.appendChild(el("p", "hint", intro));
    var advised = advice[request.request] || {};
    Object.keys(advised).forEach(function (seat) {
      box.appendChild(el("p", "advice", advised[seat]));
    });
    (mine.options || []).forEach(function (option) {
      var picked = picks[request.request] === option.id;
      var mark = picked ? (mine.do === "hands" ? " (your hand)" : " (your advice)") : "";
      var b = bigButton((option.number ? option.number + ". " : "") + P.optionText(option) + mark, "choice");
      var raised = picked;
      if (raised) {
        b.setAttribute("aria-pressed", "true");
        b.classList.add("chosen");
      }
      if (!option.available) {
        b.disabled = true;
        b.setAttribute("data-off", "1");
      }
      b.addEventListener("click", function () {
        var body = { do: mine.do, request: request.request, choice: option.id };
        send(box.parentNode, error, body, function () {
          if (mine.do === "hands") {
            handUp(request, option);
            var hands = handsKept();
            hands[request.request] = option.id;
            keepHands(hands);
          }
        });
      });
      box.appendChild(b);
    });
    if (mine.do === "hands") {
      // how many of the bench's hands are up, drawn in place as they rise (as a ballot's count)
      var tally = request.of ? request.count + " of " + request.of + " hands raised." : "";
      box.appendChild(el("p", "hint vote-count", tally));
    }
    return box;
  }

  /* Who will read a ballot's 'why': said before it is typed, as truthfully as the vote's
     own secrecy (the teacher's 'reveal' shows a secret ballot's reasons with its votes). */
  var WHY_SHOWN = {
    open: "the whole room sees it with your vote, as soon as you vote.",
    simultaneous: "the whole room sees it with your vote when the ballot closes.",
    secret: "kept with your vote; the teacher may later reveal both to the whole room.",
  };

  function ballot(request, error) {
    var mine = request.mine;
    var box = el("div", "ballot");
    if (P.BALLOT_KINDS[request.ballot]) {
      box.appendChild(el("p", "hint", P.BALLOT_KINDS[request.ballot]));
    }
    var draftKey = request.request + ":why";
    var label = el("label", "", "Why (optional, up to 280 characters): " + (WHY_SHOWN[request.ballot] || WHY_SHOWN.open));
    var why = el("textarea", "why");
    why.maxLength = 280;
    why.rows = 2;
    why.id = "why-" + safeId(request.request);
    label.htmlFor = why.id;
    // the reason this seat's ballot already holds (the server keeps it: a reload or a second
    // phone shows it), unless the student has typed another here
    var given = mine.cast && mine.why ? mine.why : "";
    why.value = drafts[draftKey] !== undefined ? drafts[draftKey] : given;
    why.addEventListener("input", function () {
      drafts[draftKey] = why.value;
    });
    var row = el("div", "ballot-buttons");
    (mine.choices || ["for", "against", "abstain"]).forEach(function (choice) {
      var words = P.BALLOT_NAMES[choice] || choice;
      var mineNow = mine.cast === choice;
      var b = bigButton(mineNow ? words + " (your vote)" : words, "vote vote-" + choice);
      b.setAttribute("aria-pressed", mineNow ? "true" : "false");
      if (mineNow) {
        b.classList.add("chosen");
      }
      b.addEventListener("click", function () {
        send(box.parentNode, error, {
          do: "cast",
          request: request.request,
          ballot: choice,
          why: why.value.trim(),
        });
      });
      row.appendChild(b);
    });
    box.appendChild(label);
    box.appendChild(why);
    box.appendChild(row);
    if (mine.cast) {
      box.appendChild(
        el("p", "said", "Your ballot is in (" + (P.BALLOT_NAMES[mine.cast] || mine.cast) + "); you can change it until the ballot closes.")
      );
      if (given) {
        box.appendChild(el("p", "said your-reason", "Your reason: " + given));
      }
    }
    box.appendChild(el("p", "hint vote-count", request.of ? request.count + " of " + request.of + " have voted." : ""));
    return box;
  }

  function targetPicker(targets, id, text) {
    var wrap = el("div", "field");
    var select = el("select", "target");
    select.id = id;
    select.appendChild(el("option", "", "Choose…"));
    select.firstChild.value = "";
    targets.forEach(function (t) {
      var option = el("option", "", t.name);
      option.value = t.id;
      select.appendChild(option);
      feed.memory.names[t.id] = t.name;
    });
    var label = el("label", "", text);
    label.htmlFor = id;
    wrap.appendChild(label);
    wrap.appendChild(select);
    return { node: wrap, select: select };
  }

  function floor(request, error) {
    var mine = request.mine;
    var box = el("div", "floor");
    var targets = mine.targets || [];
    var moved = mine.moved === null || mine.moved === undefined ? [] : [].concat(mine.moved);
    moved.forEach(function (id) {
      var made = (mine.moves || []).filter(function (m) {
        return m.id === id;
      })[0];
      box.appendChild(el("p", "said", "Used: " + (made ? made.label : id) + ". It is settled when the floor closes."));
    });
    box.appendChild(
      el(
        "p",
        "hint",
        (mine.moves || []).length
          ? "Your moves: tap one. Moves are settled when the floor closes."
          : "You have no moves here; you can still declare your stance or argue, below."
      )
    );
    (mine.moves || []).forEach(function (move, n) {
      var block = el("div", "move");
      var picker = null;
      var usable = move.available !== false;
      if (move.target && usable) {
        picker = targetPicker(targets, "move-" + safeId(request.request) + "-" + n, "Aimed at");
        block.appendChild(picker.node);
      }
      // a move this phone has just used says so, not why it cannot be used again
      var why = moved.indexOf(move.id) >= 0 ? " (used)" : " (unavailable: " + (move.reason || "not now") + ")";
      var b = bigButton(move.label + (usable ? "" : why), "choice");
      if (!usable) {
        b.disabled = true;
        b.setAttribute("data-off", "1");
      }
      b.addEventListener("click", function () {
        var target = picker ? picker.select.value : null;
        if (picker && !target) {
          tell(error, "Choose whom the move is aimed at first.");
          picker.select.focus();
          return;
        }
        send(box.parentNode, error, { do: "move", request: request.request, move: move.id, target: target });
      });
      block.appendChild(b);
      box.appendChild(block);
    });
    return box;
  }

  // ------------------------------------------------------------------ declare and argue
  /* Declaring a stance and arguing with someone the script plays: open to a role whenever
     its sheet allows them, and opened by itself when a floor opens, for every role that
     may speak, whether or not it has a move of its own there (one with none is told so
     where "Nothing is waiting" would be). While the game is paused its buttons wait, as
     the cards' do. */
  var speakSig = null;
  var floorWas = false;

  /* Whether a floor is open now, for anyone: declarations and arguments are its business. */
  function floorOpen(state) {
    return (state.requests || []).some(function (r) {
      return r.kind === "floor";
    });
  }

  function speaking(state) {
    var seat = state.seat || {};
    var can = seat.can || [];
    return {
      stances: can.indexOf("declare") >= 0 ? seat.stances || [] : [],
      targets: can.indexOf("argue") >= 0 ? seat.targets || [] : [],
    };
  }

  /* Whether this role may declare or argue now (the script does not play it). */
  function speakable(state) {
    var what = speaking(state);
    return !state.over && !state.scripted && (what.stances.length > 0 || what.targets.length > 0);
  }

  /* What a role with no move on the open floor reads where "Nothing is waiting" would be. */
  function floorLine(state) {
    var what = speaking(state);
    var can = [];
    if (what.stances.length) {
      can.push("declare your stance");
    }
    if (what.targets.length) {
      can.push("argue with someone");
    }
    return "The floor is open. You have no move of your own there, but you can " + can.join(" or ") + ", below.";
  }

  function drawSpeak(state) {
    var seat = state.seat || {};
    var can = seat.can || [];
    var what = speaking(state);
    var stances = what.stances;
    var targets = what.targets;
    var usable = !state.over && (stances.length > 0 || targets.length > 0);
    var floor = floorOpen(state) && speakable(state);
    P.show($("speak"), usable);
    P.show($("note"), !state.over && (!seat.can || can.indexOf("note") >= 0));
    if (floor && !floorWas) {
      $("speak-more").open = true; // the floor opens: its declarations and arguments with it
    }
    floorWas = floor;
    drawDeclared(state.declared);
    var sig = JSON.stringify([stances, targets]);
    if (usable && sig !== speakSig) {
      drawSpeakBody(stances, targets);
      speakSig = sig;
    }
    var paused = state.paused !== null && state.paused !== undefined;
    holdPaused($("speak-body"), paused);
    // the server takes no note while paused either (no student's action is taken)
    holdPaused($("note-form"), paused);
  }

  /* While the game is paused, the buttons in ``box`` (those that declare or argue, and the
     note's) wait, with the line the request cards give; when it resumes they work again. */
  function holdPaused(box, paused) {
    var line = box.querySelector(".paused-line");
    if (paused && !line) {
      box.insertBefore(el("p", "hint paused-line", PAUSED_LINE), box.firstChild);
    } else if (!paused && line) {
      box.removeChild(line);
    }
    Array.prototype.forEach.call(box.querySelectorAll("button"), function (b) {
      if (paused) {
        b.disabled = true;
        b.setAttribute("data-off", "1");
      } else if (b.getAttribute("data-off") === "1") {
        b.removeAttribute("data-off");
        b.disabled = false; // holdActions, next, disables it again if the server is stopped
      }
    });
  }

  function drawSpeakBody(stances, targets) {
    var box = P.clear($("speak-body"));
    var error = el("p", "error", "");
    error.setAttribute("role", "alert");
    if (stances.length) {
      box.appendChild(el("h3", "", "Declare your stance (the whole room is told)"));
      var row = el("div", "choices");
      stances.forEach(function (stance) {
        var b = bigButton(stance.label, "choice");
        b.addEventListener("click", function () {
          send(box, error, { do: "declare", stance: stance.id }, function () {
            drawDeclared({ stance: stance.label, now: stance.label });
          });
        });
        row.appendChild(b);
      });
      box.appendChild(row);
    }
    if (targets.length) {
      box.appendChild(el("h3", "", "Argue with someone (the teacher rates your argument)"));
      var picker = targetPicker(targets, "argue-target", "With");
      box.appendChild(picker.node);
      var text = el("textarea", "why");
      text.maxLength = 280;
      text.rows = 3;
      text.id = "argue-text";
      text.value = drafts.argue || "";
      text.addEventListener("input", function () {
        drafts.argue = text.value;
      });
      var label = el("label", "", "Your argument, in a sentence or two");
      label.htmlFor = text.id;
      box.appendChild(label);
      box.appendChild(text);
      var b = bigButton("Send the argument", "");
      b.addEventListener("click", function () {
        if (!picker.select.value) {
          tell(error, "Choose whom you argue with first.");
          picker.select.focus();
          return;
        }
        if (!text.value.trim()) {
          tell(error, "Write your argument first.");
          text.focus();
          return;
        }
        var whom = picker.select.options[picker.select.selectedIndex].text;
        send(box, error, { do: "argue", target: picker.select.value, text: text.value.trim() }, function () {
          drafts.argue = "";
          text.value = "";
          $("speak-said").textContent = "Your argument with " + whom + " is with the teacher, who rates it.";
        });
      });
      box.appendChild(b);
    }
    box.appendChild(error);
  }

  /* The stance this role declared, as the server has it now: the story may have moved it
     since (the feed says by what), and then the student may declare again. */
  function drawDeclared(declared) {
    var line = $("speak-stance");
    line.classList.toggle("moved", !!declared && declared.now !== declared.stance);
    if (!declared) {
      line.textContent = "";
    } else if (declared.now === declared.stance) {
      line.textContent = "You declared: " + declared.stance + ".";
    } else {
      line.textContent =
        "Your declared stance is now: " + declared.now + " (you declared " + declared.stance +
        "; the story has changed it since). You may declare again.";
    }
  }

  // ------------------------------------------------------------------ the note
  var NOTE_AGAIN = "Connected again. The note was not sent: send it again.";
  var noteText = $("note-text");
  function noteLeft() {
    $("note-count").textContent = String(280 - noteText.value.length);
  }
  noteText.addEventListener("input", noteLeft);
  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = noteText.value.trim();
    var out = $("note-said");
    if (!text) {
      tell(out, "Write the note first.");
      return;
    }
    if (stopped || (lastState && lastState.paused !== null && lastState.paused !== undefined)) {
      return; // its button is disabled; Enter in a field must not send either
    }
    tell(out, "Sending…");
    P.act({ do: "note", text: text }).then(function (answer) {
      if (answer.status === 401) {
        signedOut("This phone is no longer signed in to a role. Type your code again.");
      } else if (answer.ok) {
        noteText.value = "";
        noteLeft();
        tell(out, "Your note is passed to the teacher.");
      } else {
        tell(out, "Not sent: " + P.problem(answer), answer.status === 0 ? NOTE_AGAIN : null);
      }
    });
  });

  // ------------------------------------------------------------------ start
  refresh();
})();

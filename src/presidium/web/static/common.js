/* What the phone, room and teacher pages share: requests to the server, the event stream
   (resumed from the last event after any drop), the wording of every event, countdowns.
   Every piece of scenario or student text goes into the page as text (textContent or a
   text node), never as HTML. */
(function () {
  "use strict";

  var P = {};
  window.Presidium = P;

  // ------------------------------------------------------------------ building the page
  /* An element with a class and children: strings become text nodes, arrays are flattened,
     null and undefined are skipped. */
  function el(tag, cls, children) {
    var node = document.createElement(tag);
    if (cls) {
      node.className = cls;
    }
    append(node, children);
    return node;
  }
  function append(node, children) {
    if (children === null || children === undefined || children === false) {
      return node;
    }
    if (Array.isArray(children)) {
      children.forEach(function (child) {
        append(node, child);
      });
    } else if (typeof children === "string" || typeof children === "number") {
      node.appendChild(document.createTextNode(String(children)));
    } else {
      node.appendChild(children);
    }
    return node;
  }
  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
    return node;
  }
  function $(id) {
    return document.getElementById(id);
  }
  function show(node, visible) {
    if (node) {
      node.hidden = !visible;
    }
  }
  /* Paragraphs from a text with blank lines between them. */
  function paragraphs(text, cls) {
    return String(text || "")
      .split(/\n\s*\n/)
      .filter(function (part) {
        return part.trim() !== "";
      })
      .map(function (part) {
        return el("p", cls || "", part.trim());
      });
  }
  function capital(text) {
    text = String(text || "");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }
  function sentence(text) {
    text = String(text || "").trim();
    return /[.?!]$/.test(text) ? text : text + ".";
  }
  P.el = el;
  P.append = append;
  P.clear = clear;
  P.$ = $;
  P.show = show;
  P.paragraphs = paragraphs;
  P.capital = capital;
  P.sentence = sentence;

  // ------------------------------------------------------------------ storage
  function stored(area, name, value) {
    try {
      var place = area === "session" ? window.sessionStorage : window.localStorage;
      if (value === undefined) {
        return place.getItem(name);
      }
      if (value === null) {
        place.removeItem(name);
      } else {
        place.setItem(name, value);
      }
    } catch (e) {
      /* private browsing: the cookie still carries the seat */
    }
    return null;
  }
  P.seatToken = function (value) {
    return stored("local", "presidium.seat", value);
  };
  P.teacherKey = function (value) {
    return stored("session", "presidium.key", value);
  };
  P.keptHands = function (value) {
    return stored("session", "presidium.hands", value);
  };

  // ------------------------------------------------------------------ talking to the server
  P.credentials = null; // "seat" on the phone page, "teacher" on the teacher's

  function nonce() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      })
      .join("");
  }
  P.nonce = nonce;

  /* A JSON request. Resolves to {status, ok, data}; status 0 means the server was not
     reached (data.error then says so in words). */
  function api(method, path, body) {
    var headers = { Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    if (P.credentials === "seat") {
      var token = P.seatToken();
      if (token) {
        headers["X-Presidium-Seat"] = token;
      }
    } else if (P.credentials === "teacher") {
      var key = P.teacherKey();
      if (key) {
        headers["X-Presidium-Key"] = key;
      }
    }
    return fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      // the projector's page sends no cookie: a browser that also opened the teacher's
      // page or joined as a phone still gets the room's view
      credentials: P.credentials ? "same-origin" : "omit",
      cache: "no-store",
    }).then(
      function (response) {
        return response.text().then(function (text) {
          var data = null;
          try {
            data = JSON.parse(text);
          } catch (e) {
            data = null;
          }
          return { status: response.status, ok: response.ok, data: data || {} };
        });
      },
      function () {
        P.unreachable(); // the page's stream cannot be trusted either: it says so, and retries
        return {
          status: 0,
          ok: false,
          data: { error: "the game server cannot be reached; check the Wi-Fi and try again" },
        };
      }
    );
  }
  P.api = api;

  /* A phone's action. The same nonce is sent again if the first try never reached the
     server, so an action is taken once however often the network fails. */
  P.act = function (body) {
    body.nonce = nonce();
    return api("POST", "/api/act", body).then(function (answer) {
      if (answer.status !== 0) {
        return answer;
      }
      return new Promise(function (resolve) {
        window.setTimeout(resolve, 1500);
      }).then(function () {
        return api("POST", "/api/act", body);
      });
    });
  };

  /* Why an answer was refused, as a sentence. */
  P.problem = function (answer) {
    var said = answer.data && (answer.data.error || answer.data.reason);
    if (said) {
      return sentence(capital(said));
    }
    if (answer.status === 401 || answer.status === 403) {
      return "This device is no longer signed in.";
    }
    if (answer.status === 413) {
      return "That is too long to send.";
    }
    if (answer.status === 429) {
      return "Too many tries at once: wait a moment and try again.";
    }
    return "The game server did not take it (error " + answer.status + ").";
  };

  // ------------------------------------------------------------------ time
  var MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
  ];
  var DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  /* 'Tuesday 18 June 1957' from an ISO date, or the scene's own label when it has one. */
  function formatDate(iso, label) {
    if (label) {
      return label;
    }
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) {
      return iso || "";
    }
    var day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return DAYS[day.getUTCDay()] + " " + day.getUTCDate() + " " + MONTHS[day.getUTCMonth()] + " " + m[1];
  }
  P.formatDate = formatDate;

  function clock(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var minutes = Math.floor(seconds / 60);
    seconds = seconds % 60;
    return minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }
  P.clock = clock;

  /* A request's countdown, from the server's remaining_ms, counted down here with the
     monotonic clock and set again from each new state (the phone's own wall clock is never
     used). The time left is read once a state, when its request is first drawn: a card drawn
     again from the same state (a vote's progress, an advice) goes on counting from there,
     not from the time the state said when it came. */
  var countdowns = [];
  P.countdown = function (request, paused) {
    var node = el("p", "countdown", "");
    node.setAttribute("role", "timer");
    if (request.endsAt === undefined) {
      request.endsAt = performance.now() + request.remaining_ms;
    }
    var left = paused ? request.remaining_ms : request.endsAt - performance.now();
    countdowns.push({ node: node, end: request.endsAt, paused: paused, left: left });
    tick();
    return node;
  };
  P.resetCountdowns = function () {
    countdowns = countdowns.filter(function (c) {
      return document.body.contains(c.node);
    });
  };
  /* The server has stopped: no countdown runs until it is back (``--resume`` goes on with
     the time left), so each one stands still until the next state draws it again. */
  P.holdCountdowns = function () {
    var now = performance.now();
    countdowns.forEach(function (c) {
      if (!c.paused) {
        c.left = c.end - now;
        c.paused = true;
      }
      c.held = true;
    });
    tick();
  };
  function tick() {
    var now = performance.now();
    countdowns.forEach(function (c) {
      var left = c.paused ? c.left : c.end - now;
      var text = left > 0 ? "Time left: " + clock(left) : "Time is up: it closes now";
      if (c.held && left > 0) {
        text += " (held while the server is stopped)";
      } else if (c.paused && left > 0) {
        text += " (paused)";
      }
      if (c.node.textContent !== text) {
        c.node.textContent = text;
      }
      c.node.classList.toggle("countdown-low", left > 0 && left <= 30000);
    });
  }
  window.setInterval(tick, 250);

  // ------------------------------------------------------------------ words
  var BALLOT_KINDS = {
    open: "An open ballot: each vote is shown as it is cast.",
    simultaneous: "A simultaneous ballot: who has voted is shown; how, when it closes.",
    // true on every page: 'reveal' (a teacher's button) makes the sealed votes and their
    // reasons public, so no page promises more than "until the teacher reveals them"
    secret: "A secret ballot: only the totals are shown, until the teacher reveals the votes.",
  };
  var VOTE_WORDS = { for: "votes for", against: "votes against", abstain: "abstains" };
  var STILL_WORDS = { for: "still for", against: "still against", abstain: "still abstaining" };
  var BALLOT_NAMES = { for: "For", against: "Against", abstain: "Abstain" };
  var HOW = {
    hands: " (show of hands)",
    teacher: " (the teacher's ruling)",
    conclude: " (by the script, at the bell)",
    timer: " (time ran out: the script's choice)",
  };
  var VERDICTS = { true: "achieved", false: "failed", null: "unknown (counted on paper)" };
  P.BALLOT_KINDS = BALLOT_KINDS;
  P.BALLOT_NAMES = BALLOT_NAMES;

  /* A choice as the terminal lists it: its label, its odds, whether it is invented, and why
     it cannot be taken now. */
  P.optionText = function (option) {
    var text = option.label;
    if (option.percent !== null && option.percent !== undefined) {
      text += " (" + option.percent + "% chance)";
    }
    if (option.odds && option.odds.length) {
      text +=
        " (chances: " +
        option.odds
          .map(function (pair) {
            return pair[0] + " " + pair[1] + "%";
          })
          .join(", ") +
        ")";
    }
    if (option.counterfactual) {
      text += " [counterfactual]";
    }
    if (!option.available) {
      text += " (unavailable: " + (option.reason || "") + ")";
    }
    return text;
  };

  P.requestLine = function (request) {
    if (request.kind === "ballot") {
      return "Ballot: " + request.title;
    }
    return request.title;
  };

  /* Who has voted, as the room is told it: names for open and simultaneous ballots, only a
     count for a secret one. */
  P.progressLine = function (voted, waiting, count, of) {
    if ((voted && voted.length) || (waiting && waiting.length)) {
      var line = "Voted (" + count + " of " + of + "): " + (voted.join(", ") || "nobody yet") + ".";
      if (waiting.length) {
        line += " Waiting for: " + waiting.join(", ") + ".";
      }
      return line;
    }
    return count + " of " + of + " have voted.";
  };

  /* An open ballot's vote after the voter's name, as the console says it: "votes for", or,
     replacing the voter's earlier ballot (``was``), a change, never a second vote. */
  P.castWords = function (vote, was, why) {
    if (!was) {
      return VOTE_WORDS[vote] || vote;
    }
    if (was !== vote) {
      return "changes the vote to " + vote;
    }
    var still = STILL_WORDS[vote] || vote;
    return (why ? "changes the reason (" : "takes back the reason (") + still + ")";
  };

  P.where = function (scene) {
    var when = formatDate(scene.date, scene.date_label);
    if (scene.time) {
      when = when ? when + ", " + scene.time : scene.time;
    }
    return [when, scene.place || ""]
      .filter(function (x) {
        return x;
      })
      .join(" | ");
  };

  /* A line of sources, as the server sends them: cited, never by their ids. */
  /* Citations, each apart from the next: a citation may hold commas of its own (the role
     sheets on paper part them the same way). */
  function sources(list) {
    return list && list.length ? "Sources: " + list.join("; ") : "";
  }
  P.sources = sources;

  /* What the stream's events say, kept between events: the choices offered by each
     decision (a show of hands and a choice made name them), and the names of actors. */
  function Memory() {
    this.offered = {}; // request id -> options
    this.byPhase = {}; // phase -> options of its decision
    this.names = {}; // actor id -> name
    this.sealed = {}; // vote id -> true while the feed has only its totals (a secret ballot)
    this.scenes = {}; // phase -> its scene's title
    this.decisions = {}; // request id -> what the decision is about: its scene's title
  }
  P.Memory = Memory;

  /* One event as a feed entry: {node, key} (a later entry with the same key replaces an
     earlier one), or null for events that the page shows elsewhere (the state of play).
     ``viewer`` is "seat", "room" or "teacher"; ``me`` is the phone's seat. */
  P.describe = function (e, memory, viewer, me) {
    var kind = e.type;
    var lines = [];
    var head = null;
    var cls = "entry entry-" + kind;
    var key = null;
    var sealed = null; // this entry gives a secret ballot's totals only
    var reveals = null; // this entry is the teacher's reveal of a secret ballot
    var scene = null; // a scene's text, in its entry
    switch (kind) {
      case "phase":
        memory.scenes[e.phase] = e.title;
        head = "Scene: " + (e.counterfactual ? "[Counterfactual] " : "") + e.title;
        if (P.where(e)) {
          lines.push(P.where(e));
        }
        // the scene's own words: a scene the game passes through (the background, a
        // verdict) is on the page only here once the next one opens
        scene = el("div", "entry-text", [
          e.content_note ? el("p", "hint", "Content note: " + e.content_note) : null,
          paragraphs(e.text),
        ]);
        lines.push(scene);
        break;
      case "status":
      case "changed":
      case "at_limit":
        return null;
      case "request":
        memory.decisions[e.request] = memory.scenes[e.phase] || e.title;
        if (e.options && e.options.length) {
          memory.offered[e.request] = e.options;
          memory.byPhase[e.phase] = e.options;
        }
        // no "(2 minutes)" after the title: the card's countdown says how long is left,
        // and the teacher's 'time' changes it
        if (e.kind === "decision") {
          head = e.title;
        } else if (e.kind === "ballot") {
          head = "Ballot: " + e.title;
          if (BALLOT_KINDS[e.ballot]) {
            lines.push(BALLOT_KINDS[e.ballot]);
          }
        } else if (e.kind === "floor") {
          head = e.title;
          lines.push("Moves, declarations and arguments now; moves are settled when the floor closes.");
        } else {
          head = e.title + ": the teacher rates the argument from 1 to 5.";
        }
        break;
      case "closed":
        if (e.kind === "decision" && (e.by === "complete" || memory["counted:" + e.request])) {
          return null; // the choice is said next, with how it was made
        }
        if (!e.summary) {
          return null;
        }
        lines.push(e.summary);
        break;
      case "hands":
        memory["counted:" + e.request] = true;
        var labels = {};
        (memory.offered[e.request] || []).forEach(function (o) {
          labels[o.id] = o.label;
        });
        lines.push(
          "Show of hands: " +
            e.counts
              .map(function (pair) {
                return (labels[pair[0]] || pair[0]) + ": " + pair[1];
              })
              .join("; ") +
            "."
        );
        if (e.tie_broken) {
          lines.push("A tie: it goes to the choice the scenario's script would take.");
        }
        break;
      case "ballot_progress":
        key = "progress:" + e.request;
        lines.push(P.progressLine(e.voted, e.waiting, e.count, e.of));
        break;
      case "ballot_cast":
        lines.push(e.name + " " + P.castWords(e.vote, e.was, e.why) + (e.why ? ": " + e.why : ""));
        break;
      case "ballot_changed":
        // a simultaneous ballot names who, a secret one nobody; how is never said here
        lines.push(e.name ? e.name + " changes the vote." : "A voter changes the vote.");
        break;
      case "ballot_received":
        lines.push(
          "Your ballot is in (" +
            (BALLOT_NAMES[e.vote] || e.vote) +
            "); you can change it until the ballot closes."
        );
        break;
      case "vote":
        var secret = !e.ballots.length && !e.blocs.length;
        if (!(e.to && e.to.length)) {
          // the public record: the totals of a secret ballot, or later the teacher's reveal
          if (secret) {
            memory.sealed[e.vote] = true;
            sealed = e.vote;
          } else if (memory.sealed[e.vote]) {
            delete memory.sealed[e.vote];
            reveals = e.vote;
          }
        }
        head = "Vote" + (reveals ? " revealed by the teacher" : "") + ": " + (e.counterfactual ? "[Counterfactual] " : "") + e.title;
        if (reveals) {
          lines.push(el("p", "revealed-note", "The teacher has revealed this secret ballot: each vote, and its reason."));
        }
        lines.push("Motion: " + e.motion);
        e.ballots.forEach(function (b) {
          var why = b.counterfactual ? "[Counterfactual] " + b.reason : b.reason;
          lines.push("- " + b.name + " " + VOTE_WORDS[b.vote] + (why ? ": " + why : ""));
        });
        e.blocs.forEach(function (bloc) {
          lines.push(
            "- " + bloc.label + ": " + bloc.votes_for + " for, " + bloc.votes_against + " against, " +
              bloc.abstentions + " abstaining. " + bloc.reason
          );
        });
        if (!e.ballots.length && !e.blocs.length) {
          lines.push("The ballot was secret: only the totals are shown.");
        }
        lines.push(P.resultLine(e));
        break;
      case "choice":
        var invented = (memory.byPhase[e.phase] || []).some(function (o) {
          return o.id === e.choice && o.counterfactual;
        });
        lines.push(
          e.seat_name + " chose: " + e.label + (invented ? " [counterfactual]" : "") + (HOW[e.by] || "")
        );
        break;
      case "chance":
        lines.push(P.chanceLine(e));
        break;
      case "narration":
        // the story moved a stance a student declared: said to that student as "you" on
        // their own phone, and by name everywhere else
        var told = e.own && viewer === "seat" && e.seat === me ? e.own : e.text;
        paragraphs((e.counterfactual ? "[Counterfactual] " : "") + told).forEach(function (p) {
          lines.push(p);
        });
        break;
      case "refused":
        lines.push("Not possible now: " + e.reason);
        break;
      case "ended":
        head = "The end: " + e.title;
        lines.push(
          e.kind === "historical" ? "The historical outcome" : "A counterfactual ending (invented, not history)"
        );
        paragraphs(e.text).forEach(function (p) {
          lines.push(p);
        });
        if (e.fates && e.fates.length) {
          lines.push(el("h4", "", "What became of them" + (e.kind === "historical" ? "" : " (counterfactual)")));
          e.fates.forEach(function (fate) {
            lines.push(fate.name + ": " + fate.text);
          });
        }
        break;
      case "advised":
        // advice is for one decision: said with it, as several may follow in one lesson
        head = memory.decisions[e.request] ? "Advice on \u201c" + memory.decisions[e.request] + "\u201d" : null;
        lines.push(e.name + " advises: " + e.label);
        break;
      case "floor_move":
        var aim = e.target ? " (at " + (memory.names[e.target] || e.target) + ")" : "";
        lines.push(e.name + "'s move, settled when the floor closes: " + e.label + aim);
        break;
      case "move_resolved":
        var said = e.name + ": " + e.label + (e.counterfactual ? " [counterfactual]" : "");
        if (e.chance) {
          said += " (" + e.chance[0] + "% chance, rolled " + e.chance[1] + ": " + (e.chance[2] ? "success" : "failure") + ")";
        }
        lines.push(said);
        if (e.text) {
          lines.push(e.text);
        }
        break;
      case "declared":
        lines.push(e.name + " declares: " + e.label + ".");
        break;
      case "argued":
        memory.names[e.target] = e.target_name;
        lines.push(e.name + " argues with " + e.target_name + ": " + e.text);
        break;
      case "rated":
        lines.push(
          "The argument is rated " + e.strength + " of 5: a " + e.percent + "% chance, rolled " + e.roll + "."
        );
        break;
      case "note":
        lines.push(e.name + "'s note: " + e.text);
        break;
      case "revealed":
        head = "Envelope " + e.envelope + (e.counterfactual ? " [Counterfactual]" : "");
        paragraphs(e.text).forEach(function (p) {
          lines.push(p);
        });
        if (sources(e.sources)) {
          lines.push(el("p", "sources", sources(e.sources)));
        }
        break;
      case "injected":
        head = "Teacher's event: " + (e.counterfactual ? "[Counterfactual] " : "") + e.label;
        paragraphs(e.text).forEach(function (p) {
          lines.push(p);
        });
        if (sources(e.sources)) {
          lines.push(el("p", "sources", sources(e.sources)));
        }
        break;
      case "ruling":
        var ruled = { set: "The teacher rules: ", overrule: "The teacher overrules: " };
        var line = (ruled[e.kind] || "") + e.text.replace(/\.$/, "");
        if (e.reason) {
          line += ". Reason: " + e.reason.replace(/\.$/, "");
        }
        lines.push(line + ".");
        break;
      case "paused":
        var reason = (e.reason || "").trim().replace(/\.$/, "");
        head = "Paused by the teacher" + (reason ? ": " + reason : "");
        lines.push("No one acts until the teacher resumes the game.");
        break;
      case "resumed":
        lines.push("The game goes on.");
        break;
      case "seat":
        lines.push(
          e.name + ": " + (e.held ? "a student plays it again" : "the scenario's script plays it from now on") + "."
        );
        break;
      case "concluded":
        head = "The bell: the script plays every seat on to an ending";
        break;
      case "objectives":
        head = "Objectives: " + e.name;
        e.results.forEach(function (r) {
          var verdict = VERDICTS[String(r.achieved)];
          lines.push("- " + r.text.replace(/\.$/, "") + " (" + r.kind + " objective): " + verdict + "." + (r.comment ? " " + r.comment : ""));
        });
        break;
      case "decision":
        head = e.prompt;
        e.options.forEach(function (o) {
          lines.push(o.number + ". " + P.optionText(o));
        });
        break;
      default:
        // an event this page does not know yet: its own text fields, so nothing is lost
        var texts = [];
        Object.keys(e).forEach(function (name) {
          if (name !== "type" && name !== "to" && typeof e[name] === "string" && e[name]) {
            texts.push(e[name]);
          }
        });
        lines.push(kind + ": " + texts.join("; "));
    }
    var node = el("li", cls);
    var own = e.to && e.to.length;
    if (own) {
      var label =
        viewer === "teacher"
          ? e.to.indexOf("teacher") >= 0
            ? "For the teacher only"
            : "Private"
          : viewer === "seat"
            ? "Only you see this"
            : "";
      if (label) {
        node.classList.add("private");
        node.appendChild(el("span", "tag", label));
        // the tag is a box of its own on screen; read aloud, it needs a pause before the text
        node.appendChild(el("span", "visually-hidden", ": "));
      }
    }
    if (head) {
      node.appendChild(el("h3", "entry-head", head));
    }
    lines.forEach(function (line) {
      node.appendChild(typeof line === "string" ? el("p", "", line) : line);
    });
    return { node: node, key: key, sealed: sealed, reveals: reveals, scene: scene };
  };

  P.resultLine = function (e) {
    return (
      "Result: " + e.votes_for + " for, " + e.votes_against + " against, " + e.abstentions +
      " abstaining. The motion " + (e.passed ? "PASSED" : "FAILED") + "."
    );
  };

  P.chanceLine = function (e) {
    var rolled = e.roll ? "rolled " + e.roll + " of 100" : "as it fell in history";
    if (e.outcome !== undefined && e.outcome !== null) {
      if (e.percent === 100) {
        return "Chance: certain: " + e.outcome + ".";
      }
      return "Chance: " + rolled + ": " + e.outcome + " (" + e.percent + "% chance).";
    }
    var word = e.success ? "success" : "failure";
    if (e.percent === 0 || e.percent === 100) {
      return "Chance " + e.percent + "%: certain " + word + ".";
    }
    return "Chance " + e.percent + "%: " + rolled + ", " + word + ".";
  };

  /* The state of play as a list of label and value. */
  P.statusList = function (status) {
    var list = el("dl", "status");
    var date = formatDate(status.date, status.date_label);
    var rows = (date ? [{ label: "Date", value: date }] : []).concat(status.lines || []);
    rows.forEach(function (line) {
      list.appendChild(el("div", "status-row", [el("dt", "", line.label), el("dd", "", line.value)]));
    });
    return list;
  };

  // ------------------------------------------------------------------ the feed
  /* A list of what happened, newest at the bottom, at most ``most`` entries; an event is
     never added twice (the stream's number says which have been seen).

     A scene's entry carries its text, but the newest one is collapsed to its title on the
     pages whose scene box shows that scene whole (the room's and the phone's): it would only
     repeat it. When the next scene opens (or the ending takes the room's scene box), it
     opens whole, so a scene the game passed through stays readable. The teacher's page
     shows only the scene's title above its feed: every scene's entry is whole there. */
  function Feed(list, most, viewer) {
    this.list = list;
    this.most = most;
    this.viewer = viewer;
    this.me = null;
    this.memory = new Memory();
    this.keyed = {};
    this.last = 0;
    this.sceneShown = viewer !== "teacher";
    this.collapsed = null; // the newest scene's entry, collapsed to its title
  }
  /* The collapsed scene's entry, whole. */
  Feed.prototype.unfold = function () {
    var entry = this.collapsed;
    this.collapsed = null;
    if (entry) {
      entry.classList.remove("collapsed");
      Array.prototype.forEach.call(entry.querySelectorAll(".entry-text"), function (text) {
        text.hidden = false;
      });
    }
  };
  Feed.prototype.add = function (seq, e) {
    if (seq <= this.last) {
      return null;
    }
    this.last = seq;
    var entry = P.describe(e, this.memory, this.viewer, this.me);
    if (!entry) {
      return null;
    }
    entry.node.setAttribute("data-seq", String(seq));
    if (entry.sealed) {
      entry.node.setAttribute("data-sealed", entry.sealed);
    }
    if (entry.reveals) {
      // the earlier entry, which said only the totals were shown, stays as it was said,
      // marked as overtaken
      var earlier = this.list.querySelector('[data-sealed="' + CSS.escape(entry.reveals) + '"]');
      if (earlier) {
        earlier.removeAttribute("data-sealed");
        earlier.classList.add("superseded");
        earlier.appendChild(el("p", "hint superseded-note", "Since revealed by the teacher: see below."));
      }
    }
    if (entry.scene || (e.type === "ended" && this.viewer === "room")) {
      // the room's ending takes the scene box's place: the last scene is whole in the feed
      this.unfold();
    }
    if (entry.scene && this.sceneShown) {
      entry.scene.hidden = true; // in the scene box above, whole
      entry.node.classList.add("collapsed");
      this.collapsed = entry.node;
    }
    if (entry.key) {
      var old = this.keyed[entry.key];
      if (old && old.parentNode) {
        old.parentNode.removeChild(old);
      }
      this.keyed[entry.key] = entry.node;
    }
    var near = this.atBottom();
    this.list.appendChild(entry.node);
    while (this.list.children.length > this.most) {
      this.list.removeChild(this.list.firstChild);
    }
    if (near) {
      this.scrollDown();
    }
    return entry.node;
  };
  Feed.prototype.atBottom = function () {
    var box = this.list.parentNode;
    return !box || box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  };
  Feed.prototype.scrollDown = function () {
    var box = this.list.parentNode;
    if (box && box.scrollHeight > box.clientHeight) {
      box.scrollTop = box.scrollHeight;
    }
  };
  P.Feed = Feed;

  // ------------------------------------------------------------------ the stream
  var QUIET_MS = 35000; // no message (a ping comes every 15 s) for this long: reconnect
  /* The server's events, resumed after any drop from the last one seen. Handlers:
     game(event, seq), presence(data), state(state) (the page's whole picture; with none,
     fetch /api/state), connection(words), bye(). After the events that change what a page
     draws, the server sends the page's new state in the stream itself: forty phones asking
     for it at every ballot would load the laptop. A new EventSource does not carry the old
     one's last id, so every reopening passes ?after= itself. */
  var streams = []; // the page's streams (one, or a new one after the phone joins again)
  function Stream(handlers) {
    this.h = handlers;
    this.last = 0;
    this.source = null;
    this.heard = performance.now();
    this.stopped = false; // the server said goodbye
    this.dead = false; // stopped for good by the page
    this.retry = null;
    this.stateTimer = null;
    this.down = false; // no stream is open since one failed: "Reconnecting…" is said
    var self = this;
    streams.push(this);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        self.reopen();
      }
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        self.reopen();
      }
    });
    window.addEventListener("online", function () {
      self.reopen();
    });
    window.addEventListener("offline", function () {
      self.lost();
    });
    window.setInterval(function () {
      if (self.source && performance.now() - self.heard > QUIET_MS) {
        self.reopen();
      }
    }, 5000);
  }
  Stream.prototype.open = function () {
    var self = this;
    this.close();
    this.heard = performance.now();
    // the projector's page says it is the room: it never receives what is addressed to
    // someone, whatever cookies this browser holds
    var view = P.credentials ? "" : "&view=room";
    var source = new EventSource("/api/stream?after=" + this.last + view);
    this.source = source;
    source.onopen = function () {
      self.heard = performance.now();
      self.stopped = false;
      self.down = false;
      self.say("connected");
    };
    source.addEventListener("hello", function (message) {
      self.heard = performance.now();
      var hello = null;
      try {
        hello = JSON.parse(message.data);
      } catch (e) {
        /* a malformed greeting: the states still say which class this is */
      }
      if (!P.sameClass(hello)) {
        self.stop();
      }
    });
    source.addEventListener("game", function (message) {
      self.heard = performance.now();
      if (P.elsewhere) {
        return; // another class's: the page is being loaded afresh
      }
      var seq = parseInt(message.lastEventId, 10);
      if (!(seq > self.last)) {
        return; // seen already: never twice in the feed
      }
      var event;
      try {
        event = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      self.last = seq;
      self.h.game(event, seq);
    });
    source.addEventListener("state", function (message) {
      self.heard = performance.now();
      if (P.elsewhere) {
        return;
      }
      var state = null;
      try {
        state = JSON.parse(message.data);
      } catch (e) {
        /* drawn from a fetch instead */
      }
      if (state && !P.sameClass(state)) {
        self.stop();
      } else if (state && state.viewer) {
        self.h.state(state);
      } else {
        self.soon(); // it changed, but the stream does not carry it: ask
      }
    });
    source.addEventListener("presence", function (message) {
      self.heard = performance.now();
      try {
        if (self.h.presence) {
          self.h.presence(JSON.parse(message.data));
        }
      } catch (e) {
        /* a malformed count is not worth a reconnection */
      }
    });
    source.addEventListener("ping", function () {
      self.heard = performance.now();
    });
    source.addEventListener("bye", function () {
      self.stopped = true;
      self.close();
      P.holdCountdowns();
      self.say("stopped");
      if (self.h.bye) {
        self.h.bye();
      }
      // the teacher may start the server again (--resume): look now and then, quietly
      self.later(10000);
    });
    source.onerror = function () {
      if (self.source !== source) {
        return;
      }
      self.close();
      self.down = true;
      self.soon(); // a fetch says why, if the page was signed out
      if (!self.stopped) {
        self.say("reconnecting");
      }
      self.later(self.stopped ? 10000 : 2000);
    };
  };
  Stream.prototype.close = function () {
    if (this.retry) {
      window.clearTimeout(this.retry);
      this.retry = null;
    }
    if (this.source) {
      this.source.onerror = null;
      this.source.close();
      this.source = null;
    }
  };
  Stream.prototype.later = function (ms) {
    var self = this;
    if (this.retry) {
      window.clearTimeout(this.retry);
    }
    this.retry = window.setTimeout(function () {
      self.retry = null;
      self.reopen();
    }, ms);
  };
  /* For good (the phone was signed out): nothing opens it again. */
  Stream.prototype.stop = function () {
    this.dead = true;
    this.close();
  };
  /* Close, and open again from the last event seen: the server sends what was missed and
     the page's whole picture. */
  Stream.prototype.reopen = function () {
    if (this.dead) {
      return;
    }
    this.open();
  };
  /* /api/state in a moment (100 ms after the last call), once for a burst of calls. */
  Stream.prototype.soon = function () {
    var self = this;
    if (this.stateTimer) {
      window.clearTimeout(this.stateTimer);
    }
    this.stateTimer = window.setTimeout(function () {
      self.stateTimer = null;
      self.h.state();
    }, 100);
  };
  /* The server cannot be reached: the browser went offline, or a request to it failed. A
     stream can look open all the while (a phone's Wi-Fi gone, with no word from its
     connection), so the page says it is reconnecting and opens a new one now, then every
     2 seconds until it opens ("online" opens it at once); what was missed comes with it. */
  Stream.prototype.lost = function () {
    if (this.dead || this.stopped || this.down) {
      return; // signed out, the server stopped (it says so), or already reconnecting
    }
    this.down = true;
    this.close();
    this.say("reconnecting");
    this.later(0);
  };
  P.unreachable = function () {
    streams.forEach(function (stream) {
      stream.lost();
    });
  };
  Stream.prototype.say = function (how) {
    if (this.h.connection) {
      this.h.connection(how);
    }
  };
  P.Stream = Stream;

  /* The words and look of the connection line. */
  P.connection = function (node, how) {
    var words = {
      connected: "Connected",
      reconnecting: "Reconnecting…",
      stopped: "Server stopped",
      notjoined: "Not joined",
      waiting: "Waiting for a role",
      signedout: "Not signed in",
    };
    node.textContent = words[how] || how;
    node.className = "connection connection-" + how;
  };

  /* A ballot's progress, from its event, into the page's state: whether a request changed.
     A secret ballot's progress carries no names ("names" says so): the room's and the
     teacher's streams send the new state, which says who has voted (never how). */
  /* A page's answer to the stream's state: draw it with ``use``, or (none) ``fetch`` it. */
  P.pushed = function (given, use, fetch) {
    if (given) {
      use(given);
    } else {
      fetch();
    }
  };

  /* Which class the page's feed and state came from. The server says it first in every
     stream, and in every state: a page left open while another class started on the same
     port (the next group, next period) finds a class it does not know, and is loaded
     afresh, so that one class's feed, ballots and objectives are never shown in another's.
     A resumed class is the same class: the page follows it, as it was. Whether ``given``
     (a state or the stream's greeting) is from the page's class. */
  P.knownClass = null;
  P.elsewhere = false;
  P.sameClass = function (given) {
    var which = given && given["class"];
    if (P.elsewhere) {
      return false;
    }
    if (!which) {
      return true;
    }
    if (P.knownClass === null) {
      P.knownClass = which;
      return true;
    }
    if (which === P.knownClass) {
      return true;
    }
    P.elsewhere = true;
    P.afresh();
    return false;
  };
  /* The page loaded again, from nothing: its feed, state and stream were another class's. */
  P.afresh = function () {
    window.location.reload();
  };

  /* Whether a state (fetched or sent in the stream) is older than the one a page has: the
     answer to a fetch may arrive after a newer state came in the stream. A state from
     another run of the server (the class was resumed) is never older: its revisions start
     again from 0 with the same events. */
  P.older = function (state, than) {
    if (!than || state.run !== than.run) {
      return false;
    }
    return state.seq < than.seq || (state.seq === than.seq && state.revision < than.revision);
  };

  /* The room's and the teacher's pages: a ballot's progress into their state, and the
     requests drawn again when it changed (``redraw(paused)``). */
  P.progressDrawn = function (state, event, redraw) {
    if (state && P.progressed(state, event)) {
      // the names of a secret ballot's voters come with the state the stream sends next
      redraw(state.paused !== null && state.paused !== undefined);
    }
  };

  P.progressed = function (state, event) {
    var named = event.voted.length || event.waiting.length || !event.of;
    var changed = false;
    (state.requests || []).forEach(function (r) {
      if (r.request === event.request) {
        if (named) {
          r.voted = event.voted;
          r.waiting = event.waiting;
        }
        r.count = event.count;
        r.of = event.of;
        changed = true;
      }
    });
    return changed && !named ? "names" : changed;
  };

  /* The ending's box (its text too, with ``withText``), drawn once an ending: whether it was
     drawn now. */
  P.drawEnded = function (box, ended, withText) {
    P.show(box, !!ended);
    if (!ended || box.getAttribute("data-ending") === ended.ending) {
      return false;
    }
    box.setAttribute("data-ending", ended.ending);
    P.clear(box);
    box.appendChild(P.el("h2", "", "The end: " + ended.title));
    box.appendChild(
      P.el("p", "kicker", ended.kind === "historical" ? "The historical outcome" : "A counterfactual ending (invented, not history)")
    );
    if (withText) {
      P.append(box, P.paragraphs(ended.text));
    }
    return true;
  };

  /* How many roles have a phone connected (a role with two devices counts once). */
  P.phonesOn = function (counts) {
    counts = counts || {};
    var on = counts.seats_connected !== undefined ? counts.seats_connected : counts.phones;
    return on || 0;
  };
  P.phonesLine = function (counts, mode) {
    var of = (counts && counts.seats) || 0;
    if (!of) {
      // no seat waits for a phone (the bell handed them all to the script): the phones
      // still open follow the class, and are counted as such
      var open = (counts && counts.phones) || 0;
      return open + (open === 1 ? " phone" : " phones") + " connected";
    }
    if (mode === "benches") {
      var phones = (counts && counts.phones) || 0;
      return phones + (phones === 1 ? " phone" : " phones") + " connected, on " + P.phonesOn(counts) + " of " + of + " benches";
    }
    return P.phonesOn(counts) + " of " + of + " phones connected";
  };

  /* An announcement for screen readers (an aria-live region), said once. */
  P.announce = function (region, text) {
    if (!region || !text) {
      return;
    }
    region.appendChild(el("p", "", text));
    while (region.children.length > 3) {
      region.removeChild(region.firstChild);
    }
  };
})();

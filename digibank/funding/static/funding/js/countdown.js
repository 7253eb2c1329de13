/* Keeps the countdown of open rounds on the public call pages ticking.
 *
 * Progressive enhancement: the server already wrote the countdown ("closes in 3 days
 * and 4 hours") from its own clock; this only updates it every 30 seconds, with the
 * words the server put in the page (a JSON data block), and says "closed" when the
 * closing time has passed. Whether a round is open is always decided by the server.
 * Loaded from static with the CSP nonce; no inline script.
 */
(function () {
  "use strict";

  var block = document.getElementById("countdown-words");
  if (!block) {
    return;
  }
  var words;
  try {
    words = JSON.parse(block.textContent);
  } catch (error) {
    return;
  }

  // The server's clock decides; the page carries its time, so a wrong clock on the
  // visitor's device does not change the countdown.
  var offset = typeof words.now === "number" ? words.now - Date.now() : 0;

  function fill(pattern, values) {
    return pattern.replace(/%\((\w+)\)[sd]/g, function (match, name) {
      return values[name] === undefined ? match : String(values[name]);
    });
  }

  function count(unit, number) {
    return fill(words[unit][number === 1 ? 0 : 1], { count: number });
  }

  function duration(seconds) {
    var minutesTotal = Math.floor(seconds / 60);
    var days = Math.floor(minutesTotal / 1440);
    var hours = Math.floor((minutesTotal % 1440) / 60);
    var minutes = minutesTotal % 60;
    if (days) {
      return hours
        ? fill(words.days_hours, { days: count("day", days), hours: count("hour", hours) })
        : count("day", days);
    }
    if (hours) {
      return minutes
        ? fill(words.hours_minutes, { hours: count("hour", hours), minutes: count("minute", minutes) })
        : count("hour", hours);
    }
    return minutes ? count("minute", minutes) : words.less;
  }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll("[data-countdown-closes]").forEach(function (element) {
      var closes = Date.parse(element.getAttribute("data-countdown-closes"));
      if (isNaN(closes)) {
        return;
      }
      var seconds = Math.floor((closes - now) / 1000);
      var text = seconds > 0 ? fill(words.closes_in, { duration: duration(seconds) }) : words.closed;
      var target = element.querySelector("[data-countdown-text]") || element;
      if (target.textContent !== text) {
        target.textContent = text;
      }
      if (seconds <= 0) {
        var round = element.closest("[data-round]");
        var apply = round && round.querySelector("[data-apply]");
        if (apply) {
          apply.hidden = true;
        }
      }
    });
  }

  window.setInterval(tick, 30000);
})();

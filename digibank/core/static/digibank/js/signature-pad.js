/* A small signature pad for signing a loan agreement on a tablet.
 *
 * Progressive enhancement: without JavaScript the pad stays hidden and the borrower
 * types their full name (the server accepts that as the signature). With JavaScript the
 * pad appears; strokes are drawn with pointer events (finger, pen or mouse) and, when
 * something was drawn, the drawing is sent as a PNG data: URL in the hidden
 * "signature" field. The server checks the PNG again. Loaded from static with the CSP
 * nonce; no inline script or style.
 */
(function () {
  "use strict";

  function setUp(form) {
    var pad = form.querySelector("[data-signature-pad]");
    var canvas = form.querySelector("[data-signature-canvas]");
    var field = form.querySelector("input[name=signature]");
    var clear = form.querySelector("[data-signature-clear]");
    if (!pad || !canvas || !field || !canvas.getContext) {
      return;
    }
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: ((event.clientX - box.left) * canvas.width) / box.width,
        y: ((event.clientY - box.top) * canvas.height) / box.height,
      };
    }

    function start(event) {
      if (event.button !== undefined && event.button > 0) {
        return;
      }
      event.preventDefault();
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture) {
        canvas.setPointerCapture(event.pointerId);
      }
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fillStyle = context.strokeStyle;
      context.fill();
      drawn = true;
    }

    function move(event) {
      if (!drawing) {
        return;
      }
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    }

    function stop(event) {
      if (!drawing) {
        return;
      }
      drawing = false;
      if (canvas.releasePointerCapture && event.pointerId !== undefined) {
        try {
          canvas.releasePointerCapture(event.pointerId);
        } catch (ignored) {
          /* the capture was already released */
        }
      }
    }

    canvas.addEventListener("pointerdown", start);
    canvas.addEventListener("pointermove", move);
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        field.value = "";
      });
    }

    form.addEventListener("submit", function () {
      field.value = drawn ? canvas.toDataURL("image/png") : "";
    });

    pad.hidden = false;
  }

  function init() {
    var forms = document.querySelectorAll("form[data-signature-form]");
    for (var i = 0; i < forms.length; i += 1) {
      setUp(forms[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

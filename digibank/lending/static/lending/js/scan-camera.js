// Scan desk: read a label's QR code with the phone or tablet camera, where the browser
// has BarcodeDetector. Without it (or without JavaScript) the text field still works
// with a hand scanner or typing. The code found is put in the field and the form is sent.
(function () {
  "use strict";
  var button = document.getElementById("scan-camera");
  var video = document.getElementById("scan-video");
  var input = document.getElementById("scan-code");
  var form = document.getElementById("scan-form");
  var status = document.getElementById("scan-status");
  var wordsNode = document.getElementById("scan-words");
  if (!button || !video || !input || !form || !("BarcodeDetector" in window)) return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var words = wordsNode ? JSON.parse(wordsNode.textContent) : {};
  var stream = null;
  var detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128"] });

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    button.textContent = words.start || button.textContent;
  }

  function look() {
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) {
        input.value = codes[0].rawValue;
        stop();
        form.submit();
      } else {
        window.requestAnimationFrame(look);
      }
    }).catch(function () { window.requestAnimationFrame(look); });
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        button.textContent = words.stop || button.textContent;
        status.textContent = words.looking || "";
        return video.play();
      })
      .then(look)
      .catch(function () {
        stop();
        status.textContent = words.denied || "";
        input.focus();
      });
  });
})();

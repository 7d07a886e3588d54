// Tells the page that frames this card or chart how tall it is, in the message AMP's
// amp-iframe reads ({sentinel: "amp", type: "embed-size", height}), once it has loaded and
// whenever its content changes size. A plain iframe can listen for the same message.
(function () {
  if (window.parent === window) return;
  var last = 0;
  function send() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ sentinel: "amp", type: "embed-size", height: height }, "*");
  }
  window.addEventListener("load", send);
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.documentElement);
})();

/* Accessibility patches for Dash 4 dropdowns (axe-core serious findings), applied as the DOM changes:
   1. each dropdown renders a hidden, read-only "focus target" input marked aria-hidden but in the
      tab order (aria-hidden-focus), which hands focus on to the dropdown's button: take the input
      out of the tab order and put the button itself in it, so Tab still reaches every dropdown;
   2. a multi-select button is named from parts in another order than it shows them
      (label-content-name-mismatch): name it "<label>: <what it shows>". */
(function () {
  function patch(root) {
    root.querySelectorAll('input.dash-dropdown-focus-target[aria-hidden="true"]:not([tabindex="-1"])')
      .forEach(function (el) { el.setAttribute('tabindex', '-1'); });
    root.querySelectorAll('button.dash-dropdown[tabindex="-1"]')
      .forEach(function (el) { el.setAttribute('tabindex', '0'); });
    root.querySelectorAll('button.dash-dropdown').forEach(function (el) {
      if (!el.querySelector('.dash-dropdown-value-count')) { return; }
      var label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
      var parts = [], walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), node;
      while ((node = walk.nextNode())) { if (node.nodeValue.trim()) { parts.push(node.nodeValue.trim()); } }
      var shown = parts.join(' ');
      var name = (label ? label.textContent.trim() + ': ' : '') + shown;
      if (el.hasAttribute('aria-labelledby')) { el.removeAttribute('aria-labelledby'); }
      if (el.getAttribute('aria-label') !== name) { el.setAttribute('aria-label', name); }
    });
  }
  function start() {
    patch(document);
    new MutationObserver(function () { patch(document); }).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ['aria-labelledby', 'tabindex']});
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();

// A sound's licence badge (web/templates/_licence.html's markup, or badge() below for rows drawn
// here): the note is the badge's title for a mouse, and a tap shows or hides it as text, since a
// phone has no hover. One listener on the document serves badges drawn later (job results) too.
(function () {
  function badge(licence) {
    const box = document.createElement("span");
    box.className = "licence";
    if (!licence) return box;
    box.dataset.kind = licence.kind;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "badge licence-badge";
    button.title = licence.note;
    button.setAttribute("aria-expanded", "false");
    button.textContent = licence.kind;
    const note = document.createElement("span");
    note.className = "licence-note";
    note.hidden = true;
    note.textContent = licence.note;
    box.append(button, note);
    return box;
  }

  document.addEventListener("click", (e) => {
    const button = e.target.closest("button.licence-badge");
    if (!button) return;
    const note = button.parentElement.querySelector(".licence-note");
    note.hidden = !note.hidden;
    button.setAttribute("aria-expanded", String(!note.hidden));
  });

  window.trendtokLicence = { badge: badge };
})();

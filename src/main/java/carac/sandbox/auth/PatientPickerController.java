package carac.sandbox.auth;

import carac.sandbox.Story;
import carac.sandbox.StoryCatalog;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.view.RedirectView;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/** The standalone launch's patient picker: the signed-in user chooses whose chart the app opens. */
@Controller
class PatientPickerController {

  private final StoryCatalog stories;
  private final LaunchContexts launches;
  private final AuthProperties properties;

  PatientPickerController(StoryCatalog stories, LaunchContexts launches, AuthProperties properties) {
    this.stories = stories;
    this.launches = launches;
    this.properties = properties;
  }

  @GetMapping(value = PatientPickerFilter.PICKER_PATH, produces = MediaType.TEXT_HTML_VALUE)
  @ResponseBody
  String page(HttpServletRequest request) {
    CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
    String query = request.getQueryString() == null ? "" : request.getQueryString();
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Choose a patient</title><link rel=\"stylesheet\" href=\"/sandbox/sandbox.css\"></head><body>")
        .append("<main><h1>Choose a patient</h1><p>The app asked to open one patient's record.</p><ul class=\"picker\">");
    for (Story story : stories.all()) {
      html.append("<li><form method=\"post\" action=\"").append(PatientPickerFilter.PICKER_PATH).append("\">")
          .append(hidden("patient", story.patientId()))
          .append(hidden("authorizeQuery", query))
          .append(csrf == null ? "" : hidden(csrf.getParameterName(), csrf.getToken()))
          .append("<button type=\"submit\" data-patient=\"").append(HtmlUtils.htmlEscape(story.patientId())).append("\">")
          .append(HtmlUtils.htmlEscape(story.title())).append("</button></form></li>");
    }
    return html.append("</ul></main></body></html>").toString();
  }

  @PostMapping(PatientPickerFilter.PICKER_PATH)
  RedirectView choose(@RequestParam String patient, @RequestParam String authorizeQuery, Principal user) {
    // the query goes into a Location header: control characters (CR/LF) or spaces are refused, not a 500
    if (authorizeQuery.length() > 8192 || !authorizeQuery.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new org.springframework.web.server.ResponseStatusException(
          org.springframework.http.HttpStatus.BAD_REQUEST, "authorizeQuery is not a URL query");
    }
    if (stories.byPatient(patient).isEmpty()) {
      throw new org.springframework.web.server.ResponseStatusException(
          org.springframework.http.HttpStatus.BAD_REQUEST, "unknown patient");
    }
    String launch = launches.create(patient, null, SmartContext.userFhirResource(user.getName(), properties), null, true);
    String target = UriComponentsBuilder.fromPath("/oauth2/authorize").query(authorizeQuery)
        .queryParam("launch", launch).build().toUriString();
    RedirectView redirect = new RedirectView(target, true);
    redirect.setExposeModelAttributes(false);
    return redirect;
  }

  private static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + HtmlUtils.htmlEscape(name) + "\" value=\""
        + HtmlUtils.htmlEscape(value) + "\">";
  }
}

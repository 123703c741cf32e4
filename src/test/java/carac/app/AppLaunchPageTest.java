package carac.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppLaunchPageTest {

  private static final String PAGE = "<html><head><title>x</title></head><body></body></html>";

  private static AppProperties settings(String clientId, String scope) {
    return new AppProperties(null, null, null, null, null, clientId, scope);
  }

  @Test
  void writesTheConfiguredClientIdAndScopeAsMetaTagsEscaped() {
    String html = AppLaunchPage.withSettings(PAGE, settings("epic-\"client\"<1>", "launch openid patient/*.rs"));
    assertThat(html).contains("<meta name=\"carac-client-id\" content=\"epic-&quot;client&quot;&lt;1&gt;\" />")
        .contains("<meta name=\"carac-scope\" content=\"launch openid patient/*.rs\" />")
        .startsWith("<html><head>\n    <meta");
  }

  @Test
  void leavesThePageAsBuiltWithoutSettings() {
    assertThat(AppLaunchPage.withSettings(PAGE, settings(null, " "))).isEqualTo(PAGE);
    assertThat(AppLaunchPage.withSettings(null, settings("x", null))).isNull();
  }
}

package carac.sandbox;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The stories loaded at start-up, for the EHR page's patient list. */
@Component
public class StoryCatalog {

  private volatile List<Story> stories = List.of();

  void replace(List<Story> loaded) {
    stories = List.copyOf(loaded);
  }

  public List<Story> all() {
    return stories;
  }

  public Optional<Story> byPatient(String patientId) {
    return stories.stream().filter(s -> s.patientId().equals(patientId)).findFirst();
  }
}

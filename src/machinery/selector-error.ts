// The error thrown when a label or field selector (string or metav1.LabelSelector object) cannot be parsed or
// converted. Its message is upstream's error text verbatim; the API layer answers it with a 400 BadRequest whose
// message is exactly `.message` (as the apiserver does with NewBadRequest(err.Error())).

export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

// Package config reads herald's YAML configuration: strictly (an unknown or
// misspelt key is a problem that names its path, such as
// slack.sigining_secret), with ${ENV} expansion for secrets, and with
// defaults so that no file at all is a working configuration. Load reports
// every problem at once, each by key path, and never echoes a secret.
//
// Import rule: config imports bot (for the error type and locales), a YAML
// library and the standard library. Only cmd/herald imports it; adapters
// receive their own settings from the wiring.
package config

package facade

import "testing"

func TestFlowDBURLs(t *testing.T) {
	for env, want := range map[Env]string{
		"":         "https://c1.skyvault.skyflowapis.com",
		EnvProd:    "https://c1.skyvault.skyflowapis.com",
		EnvSandbox: "https://c1.skyvault.skyflowapis-preview.com",
		EnvStage:   "https://c1.skyvault.skyflowapis.tech",
		EnvDev:     "https://c1.skyvault.skyflowapis.dev",
	} {
		got, err := FlowDBConfig{VaultID: "v", ClusterID: "c1", Env: env}.validate()
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", env, got, err, want)
		}
	}
	got, err := FlowDBConfig{VaultID: "v", ClusterID: "ignored", BaseURL: "https://proxy.example.com/flow/"}.validate()
	if err != nil || got != "https://proxy.example.com/flow" {
		t.Errorf("BaseURL wins: %q, %v", got, err)
	}
	if got, err := (FlowDBConfig{VaultID: "v", BaseURL: "http://localhost:8080"}).validate(); err != nil || got != "http://localhost:8080" {
		t.Errorf("plain http on loopback: %q, %v", got, err)
	}
}

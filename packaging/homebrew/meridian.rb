# Homebrew formula: builds meridian from source with Swift, and installs the completions and the
# man page swift-argument-parser generates. Copy it into a tap (e.g. <org>/homebrew-tap/Formula/)
# and fill in `url`/`sha256` for a release tag; until then `brew install --HEAD` builds main.
class Meridian < Formula
  desc "Compile multi-region Kubernetes blueprints and prove their availability, RTO and RPO"
  homepage "https://github.com/<org>/meridian"
  url "https://github.com/<org>/meridian/archive/refs/tags/v0.1.0.tar.gz"
  sha256 "<sha256 of the tag's tarball>"
  license "Apache-2.0"
  head "https://github.com/<org>/meridian.git", branch: "main"

  depends_on xcode: ["16.0", :build] # Package.swift needs swift-tools-version 6.0
  depends_on "pkgconf" => :build
  depends_on "libyaml"
  uses_from_macos "swift" => :build

  def install
    args = ["--disable-sandbox", "--configuration", "release"]
    args << "--static-swift-stdlib" if OS.linux?
    system "swift", "build", *args, "--product", "meridian"
    bin.install ".build/release/meridian"
    generate_completions_from_executable(bin/"meridian", "--generate-completion-script")

    system "swift", "build", "--disable-sandbox", "--configuration", "release", "--product", "generate-manual"
    mkdir "man"
    system ".build/release/generate-manual", bin/"meridian", "--output-directory", "man"
    man1.install "man/meridian.1"
  end

  test do
    (testpath/"Blueprints/broken.yaml").write <<~YAML
      blueprint: broken
      regionz: {}
    YAML
    output = shell_output("#{bin}/meridian lint #{testpath}/Blueprints/broken.yaml", 1)
    assert_match "unknown key 'regionz'", output
    assert_match "\"$schema\"", shell_output("#{bin}/meridian schema")
  end
end

"""The seed's security integration tests, as written.

Changes to the seed's code: none in the test bodies; `test_environment` comes from the
kit's pytest plugin. The class keeps the seed's name (`SecurityIntegrationTests`),
collected through `python_classes` in pyproject.toml.
"""

from __future__ import annotations


class SecurityIntegrationTests:
    async def test_authentication_integration(self, test_environment):
        """Test authentication integration across components"""
        env = test_environment

        # Test valid authentication
        valid_token = await env["distilera"].create_auth_token("test_user")

        # Verify token works across all components
        for component_name, component in env.items():
            if hasattr(component, "authenticate"):
                auth_result = await component.authenticate(valid_token)
                assert auth_result.is_valid
                assert auth_result.user_id == "test_user"

        # Test invalid authentication
        invalid_token = "invalid_token"

        for component_name, component in env.items():
            if hasattr(component, "authenticate"):
                auth_result = await component.authenticate(invalid_token)
                assert not auth_result.is_valid

    async def test_authorization_integration(self, test_environment):
        """Test authorization integration across components"""
        env = test_environment

        # Create test users with different roles
        admin_user = await env["distilera"].create_user(
            {"name": "Admin User", "email": "admin@test.com", "role": "admin"}
        )

        regular_user = await env["distilera"].create_user(
            {"name": "Regular User", "email": "user@test.com", "role": "user"}
        )

        # Test admin access
        admin_token = await env["distilera"].create_auth_token(admin_user.id)

        # Admin should have access to all components
        for component_name, component in env.items():
            if hasattr(component, "check_permission"):
                has_access = await component.check_permission(admin_token, "admin_access")
                assert has_access

        # Test regular user access
        user_token = await env["distilera"].create_auth_token(regular_user.id)

        # Regular user should have limited access
        for component_name, component in env.items():
            if hasattr(component, "check_permission"):
                has_admin_access = await component.check_permission(user_token, "admin_access")
                assert not has_admin_access

    async def test_data_encryption_integration(self, test_environment):
        """Test data encryption integration"""
        env = test_environment

        # Test sensitive data encryption
        sensitive_data = {
            "credit_card": "4111111111111111",
            "ssn": "123-45-6789",
            "password": "secret_password",
        }

        # Store sensitive data
        encrypted_data = await env["distilera"].store_sensitive_data(sensitive_data)

        # Verify data is encrypted
        assert encrypted_data["credit_card"] != sensitive_data["credit_card"]
        assert encrypted_data["ssn"] != sensitive_data["ssn"]
        assert encrypted_data["password"] != sensitive_data["password"]

        # Verify data can be decrypted
        decrypted_data = await env["distilera"].retrieve_sensitive_data(encrypted_data["id"])
        assert decrypted_data["credit_card"] == sensitive_data["credit_card"]
        assert decrypted_data["ssn"] == sensitive_data["ssn"]
        assert decrypted_data["password"] == sensitive_data["password"]
